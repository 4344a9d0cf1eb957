// Reading one key's records. A key has no log of its own: its records sit in one partition of its
// topic (the one partitionForKey picks) among every other key's, so they are found by scanning
// that partition's offsets. Every scan is bounded and says how far it looked, so one reader asking
// for a rare key cannot make a process read a whole log.

import type { ConsumedRecord } from './fetched-records.js'
import type { KafkaLogReader } from './log-reader.js'

/** Offsets [from, to) of one partition. */
export interface OffsetRange {
  partition: number
  from: bigint
  to: bigint
}

/** How far a scan looked, and whether its bound stopped it short of the range it was given. */
export interface Scan extends OffsetRange {
  /** True when the scan stopped at its bound before it found enough or covered its range. */
  limited: boolean
}

export interface ScanBounds {
  /** Stop once this many records were kept. */
  limit?: number
  /** Most offsets to look at. */
  maxOffsets: number
}

export interface ScanResult {
  /** In offset order. */
  records: ConsumedRecord[]
  scan: Scan
}

/**
 * Offsets per read: each read has its own deadline, so a long scan is many short reads, and a
 * forward scan that has found enough stops within one step.
 */
const SCAN_STEP = 20_000n

type Reader = Pick<KafkaLogReader, 'read'>
type Keep = (record: ConsumedRecord) => boolean

/** The kept records of `range` from its start: the oldest first, up to the bounds. */
export async function scanForward(
  reader: Reader,
  topic: string,
  { partition, from, to }: OffsetRange,
  keep: Keep,
  { limit = Infinity, maxOffsets }: ScanBounds,
): Promise<ScanResult> {
  const end = min(to, from + BigInt(maxOffsets))
  const records: ConsumedRecord[] = []
  for (let at = from; at < end;) {
    const stepEnd = min(end, at + SCAN_STEP)
    for (const record of await reader.read(topic, partition, at, stepEnd, keep)) {
      records.push(record)
      if (records.length >= limit) {
        return {
          records,
          scan: { partition, from, to: BigInt(record.offset) + 1n, limited: false },
        }
      }
    }
    at = stepEnd
  }
  return { records, scan: { partition, from, to: end, limited: end < to } }
}

/** The kept records of `range` back from its end: the latest, up to the bounds, oldest first. */
export async function scanBackward(
  reader: Reader,
  topic: string,
  { partition, from, to }: OffsetRange,
  keep: Keep,
  { limit = Infinity, maxOffsets }: ScanBounds,
): Promise<ScanResult> {
  const start = max(from, to - BigInt(maxOffsets))
  let records: ConsumedRecord[] = []
  for (let at = to; at > start;) {
    const stepStart = max(start, at - SCAN_STEP)
    records = [...(await reader.read(topic, partition, stepStart, at, keep)), ...records]
    at = stepStart
    if (records.length >= limit) {
      return { records: records.slice(-limit), scan: { partition, from: at, to, limited: false } }
    }
  }
  return { records, scan: { partition, from: start, to, limited: start > from } }
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b)
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)
