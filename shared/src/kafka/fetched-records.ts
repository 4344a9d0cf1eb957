// Turns the record batches of one partition of a Fetch answer into herald's records. Kafka answers
// whole batches, so a batch may start before the offset asked for; control batches (transaction
// markers) hold no records for herald but still move the position past them.

import { IS_CONTROL, type RecordsBatch } from '@platformatic/kafka'

/** One record as herald sees it, whichever Kafka client wrote it. */
export interface ConsumedRecord {
  /** herald topic name (without the prefix). */
  topic: string
  partition: number
  offset: string
  timestamp: number
  key: string | null
  value: Buffer | null
  /** The id of the request that published it (its REQUEST_ID_HEADER), or null for other clients. */
  requestId: string | null
  /** Every header, decoded as UTF-8: only when asked for (the dead-letter reader). */
  headers?: Readonly<Record<string, string>>
}

/** The record header that carries the id of the `POST` that published it (nginx's $request_id). */
export const REQUEST_ID_HEADER = 'herald-request-id'
const REQUEST_ID_KEY = Buffer.from(REQUEST_ID_HEADER)

function requestIdOf(headers: readonly (readonly [Buffer | null, Buffer | null])[]): string | null {
  for (const [name, value] of headers) {
    if (value !== null && name?.equals(REQUEST_ID_KEY) === true) return value.toString('utf8')
  }
  return null
}

export interface FetchedRecords {
  records: ConsumedRecord[]
  /** The offset to fetch next: past the last batch answered, or `from` when there was none. */
  next: bigint
}

function headersOf(
  headers: readonly (readonly [Buffer | null, Buffer | null])[],
): Record<string, string> {
  const decoded: Record<string, string> = {}
  for (const [name, value] of headers) {
    if (name !== null) decoded[name.toString('utf8')] = value?.toString('utf8') ?? ''
  }
  return decoded
}

/**
 * The records at `from` or later, up to (not including) `to` when given; with `withHeaders`, each
 * with all its headers (the delivery path never asks: it needs only the request id).
 */
export function recordsFromBatches(
  topic: string,
  partition: number,
  batches: readonly RecordsBatch[] | null | undefined,
  from: bigint,
  to?: bigint,
  withHeaders = false,
): FetchedRecords {
  const records: ConsumedRecord[] = []
  let next = from
  for (const batch of batches ?? []) {
    const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
    if (end > next) next = end
    if ((batch.attributes & IS_CONTROL) !== 0) continue
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta)
      if (offset < from || (to !== undefined && offset >= to)) continue
      records.push({
        topic,
        partition,
        offset: offset.toString(),
        timestamp: Number(batch.firstTimestamp + record.timestampDelta),
        key: record.key?.toString('utf8') ?? null,
        value: record.value,
        requestId: record.headers.length === 0 ? null : requestIdOf(record.headers),
        ...(withHeaders ? { headers: headersOf(record.headers) } : {}),
      })
    }
  }
  return { records, next }
}
