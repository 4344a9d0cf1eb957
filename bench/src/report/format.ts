// Numbers as the reports print them.

export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—'
}

/** Milliseconds: two decimals below 10, one below 100, none above. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '—'
  if (value < 10) return value.toFixed(2)
  if (value < 100) return value.toFixed(1)
  return Math.round(value).toLocaleString('en-US')
}
