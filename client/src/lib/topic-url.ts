// The watched topics and keyed streams live in the page's address
// (`/?topics=orders,orders%23user-42`), so a link or a reload opens the same view.
//
// Entries are comma-separated and each is URL-encoded on its own: a key may hold any character,
// a comma included (`%2C` inside an entry), and its `#` must be `%23` — a raw `#` starts the
// address's fragment, so `?topics=orders#user-42` watches `orders` and leaves `#user-42` to the
// browser. Topic names are [A-Za-z0-9._-] and stay readable as they are.

import { isWatchable } from './watch-entries'

const PARAM = 'topics'

/** The valid, distinct entries of a query string such as `?topics=orders,alerts`, in order. */
export function parseTopics(search: string): string[] {
  const entries = search
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part.startsWith(`${PARAM}=`))
    // Split before decoding: an encoded comma belongs to its entry.
    .flatMap((part) => part.slice(PARAM.length + 1).split(','))
    .map(decodeEntry)
    .map((entry) => entry?.trim() ?? '')
  return [...new Set(entries.filter(isWatchable))]
}

/** `url` with its `topics` parameter set to `entries`, or removed when there are none. */
export function withTopics(url: string, entries: readonly string[]): string {
  const target = new URL(url)
  const params = new URLSearchParams(target.search)
  params.delete(PARAM)
  const list = entries.map((entry) => encodeURIComponent(entry)).join(',')
  const query = [params.toString(), entries.length > 0 ? `${PARAM}=${list}` : '']
    .filter((part) => part !== '')
    .join('&')
  target.search = query === '' ? '' : `?${query}`
  return `${target.pathname}${target.search}${target.hash}`
}

function decodeEntry(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}
