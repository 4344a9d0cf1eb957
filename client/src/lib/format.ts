// How values appear on the page. Everything here produces text that Vue interpolates, so markup in
// a payload is shown, never interpreted.

export interface FormattedMessage {
  /** `text` for a string message; `json` for any other value, pretty-printed for a `<pre>`. */
  kind: 'text' | 'json'
  text: string
}

export function formatMessage(message: unknown): FormattedMessage {
  if (typeof message === 'string') return { kind: 'text', text: message }
  return { kind: 'json', text: JSON.stringify(message, null, 2) }
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
})

/** Local wall-clock time with milliseconds, e.g. `14:03:07.125`: bursts differ by milliseconds. */
export function formatTime(timestamp: number): string {
  return timeFormat.format(timestamp)
}

const countFormat = new Intl.NumberFormat('en-US')

/** `4321` → `4,321`. */
export function formatCount(count: number): string {
  return countFormat.format(count)
}
