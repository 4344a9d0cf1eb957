// A position in a topic: for each partition, the offset of the next record. The history API pages
// with it and a reconnecting socket says with it where it stopped. In JSON it is an object
// (`{"0": "12", "2": "7"}`); in a query string it is `0:12,2:7`.

/** Partition (as a decimal string) → next offset (as a decimal string). */
export type Position = Record<string, string>

const ENTRY = /^(\d{1,9}):(\d{1,19})$/

/** Reads a `0:12,2:7` query value; undefined when it is malformed. */
export function parsePositionQuery(text: string): Position | undefined {
  const position: Position = {}
  for (const entry of text.split(',')) {
    const match = ENTRY.exec(entry.trim())
    if (match === null) return undefined
    position[String(Number(match[1]))] = BigInt(match[2] as string).toString()
  }
  return position
}

export function formatPositionQuery(position: Position): string {
  return Object.entries(position)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([partition, offset]) => `${partition}:${offset}`)
    .join(',')
}

/** Checks a position received as JSON (from a socket): partitions and offsets as decimal strings. */
export function isPosition(value: unknown): value is Position {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.entries(value).every(
    ([partition, offset]) =>
      /^\d{1,9}$/.test(partition) && typeof offset === 'string' && /^\d{1,19}$/.test(offset),
  )
}
