// A topic's history, read from Kafka itself: its latest records, or the records after a position;
// all of them, or one key's (scanned in the key's partition, see key-scan.ts). Served over HTTP
// (GET /topics/{topic}/messages) and used for nothing else, so it may be slow.

import type { Position } from '../position.js'
import type { KafkaLogReader } from './log-reader.js'
import type { ConsumedRecord } from './fetched-records.js'
import { scanBackward, scanForward, type Scan } from './key-scan.js'
import { partitionForKey } from './partitioner.js'
import type { PartitionOffsets, TopicAdmin } from './topic-admin.js'

export interface HistoryQuery {
  limit: number
  /** Page forward from here; without it, the latest `limit` records. */
  since?: Position
  /** Only this key's records, scanning at most `maxOffsets` of its partition. */
  key?: { key: string; maxOffsets: number }
}

export interface HistoryPage {
  /**
   * Oldest first: the partitions merged by record time, each partition in offset order (record
   * times come from the producers' clocks and can go backwards within a partition).
   */
  records: ConsumedRecord[]
  /** Where the next page starts (`since` of the next request). */
  next: Position
  /** A keyed read of an existing topic: how far it looked in the key's partition. */
  scanned?: Scan
}

interface PartitionRange {
  partition: number
  from: bigint
  to: bigint
}

export async function readHistory(
  reader: Pick<KafkaLogReader, 'read'>,
  admin: Pick<TopicAdmin, 'listTopics' | 'offsets'>,
  topic: string,
  query: HistoryQuery,
): Promise<HistoryPage> {
  if (!(await admin.listTopics()).includes(topic)) return { records: [], next: {} }
  const offsets = await admin.offsets(topic)
  if (query.key !== undefined) return readKeyHistory(reader, topic, offsets, query, query.key)
  const ranges = historyRanges(offsets, query)
  const records = await Promise.all(
    ranges.map(({ partition, from, to }) => reader.read(topic, partition, from, to)),
  )
  return pageOfHistory(ranges, records.flat(), query)
}

/**
 * One key's page: back from the partition's end for the latest records, forward from `since` for
 * the next ones. `next` moves past what the scan looked at, found or not, so paging on covers
 * the partition however rare the key.
 */
async function readKeyHistory(
  reader: Pick<KafkaLogReader, 'read'>,
  topic: string,
  offsets: readonly PartitionOffsets[],
  query: HistoryQuery,
  { key, maxOffsets }: { key: string; maxOffsets: number },
): Promise<HistoryPage> {
  const partition = partitionForKey(key, offsets.length)
  const { low, high } = offsets.find((o) => o.partition === partition) as PartitionOffsets
  const keep = (record: ConsumedRecord): boolean => record.key === key
  const bounds = { limit: query.limit, maxOffsets }
  if (query.since === undefined) {
    const { records, scan } = await scanBackward(
      reader,
      topic,
      { partition, from: low, to: high },
      keep,
      bounds,
    )
    return { records, next: { [String(partition)]: high.toString() }, scanned: scan }
  }
  const wanted = query.since[String(partition)]
  const from = wanted === undefined ? low : max(BigInt(wanted), low)
  const { records, scan } = await scanForward(
    reader,
    topic,
    { partition, from, to: max(from, high) },
    keep,
    bounds,
  )
  return { records, next: { [String(partition)]: scan.to.toString() }, scanned: scan }
}

/** Which offsets to read from each partition: at most `limit` from each. */
export function historyRanges(
  offsets: readonly PartitionOffsets[],
  query: HistoryQuery,
): PartitionRange[] {
  const limit = BigInt(query.limit)
  return offsets.map(({ partition, low, high }) => {
    if (query.since === undefined) {
      return { partition, from: max(low, high - limit), to: high }
    }
    const wanted = query.since[String(partition)]
    const from = wanted === undefined ? low : max(BigInt(wanted), low)
    return { partition, from, to: min(high, from + limit) }
  })
}

/** Merges what the partitions gave into one page and works out where the next one starts. */
export function pageOfHistory(
  ranges: readonly PartitionRange[],
  records: readonly ConsumedRecord[],
  query: HistoryQuery,
): HistoryPage {
  const merged = mergeByTime(records)
  const page = query.since === undefined ? merged.slice(-query.limit) : merged.slice(0, query.limit)
  const next: Position = {}
  for (const { partition, from, to } of ranges) {
    if (query.since === undefined) {
      next[String(partition)] = to.toString()
      continue
    }
    const last = page.filter((record) => record.partition === partition).at(-1)
    next[String(partition)] = (last === undefined ? from : BigInt(last.offset) + 1n).toString()
  }
  return { records: page, next }
}

/**
 * Each partition's records in offset order, merged by always taking the partition whose next
 * record is the oldest. Never a record ahead of a lower offset of its partition: a page is then a
 * prefix of each partition's range, so the next page starts right after it and skips nothing.
 */
function mergeByTime(records: readonly ConsumedRecord[]): ConsumedRecord[] {
  const byPartition = new Map<number, ConsumedRecord[]>()
  for (const record of records) {
    const list = byPartition.get(record.partition) ?? []
    byPartition.set(record.partition, list)
    list.push(record)
  }
  const queues = [...byPartition.values()].map((list) =>
    list.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset))),
  )
  const heads = queues.map(() => 0)
  const merged: ConsumedRecord[] = []
  for (let left = records.length; left > 0; left -= 1) {
    let pick = -1
    for (let i = 0; i < queues.length; i += 1) {
      const head = queues[i]?.[heads[i] ?? 0]
      if (head === undefined) continue
      const best = pick < 0 ? undefined : queues[pick]?.[heads[pick] ?? 0]
      if (best === undefined || olderThan(head, best)) pick = i
    }
    merged.push(queues[pick]?.[heads[pick] ?? 0] as ConsumedRecord)
    heads[pick] = (heads[pick] ?? 0) + 1
  }
  return merged
}

const olderThan = (a: ConsumedRecord, b: ConsumedRecord): boolean =>
  a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.partition < b.partition)

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b)
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)
