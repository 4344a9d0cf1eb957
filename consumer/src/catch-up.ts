// The catch-up of a (re)subscription, read from Kafka: for each requested topic — each topic
// matching a requested pattern, the one key of a keyed stream — the records after the socket's
// position, in offset order per partition, with a verdict per entry. A record several entries
// cover is replayed once. Any consumer instance can serve it; Redis plays no part.

import {
  isPattern,
  keyedStreamOf,
  patternMatches,
  type Notification,
  type Position,
  type RecoveryVerdict,
  type SubscriptionRequest,
} from '@herald/shared'
import {
  partitionForKey,
  scanForward,
  toNotification,
  type ConsumedRecord,
  type KafkaLogReader,
  type TopicAdmin,
} from '@herald/shared/kafka'

import { partitionKey, type OffsetsByPartition } from './holding-adapter.js'

export interface CatchUpDeps {
  reader: Pick<KafkaLogReader, 'read'>
  admin: Pick<TopicAdmin, 'listTopics' | 'offsets'>
  /** False for records that are never delivered (see dead-letters.ts). */
  deliverable: (record: ConsumedRecord) => boolean
  /** Topics never delivered (the dead-letter topic). */
  ignoredTopics: readonly string[]
  /** Most offsets a keyed stream's replay scans in its key's partition. */
  keyScanLimit: number
}

export interface CatchUpResult {
  recovery: Record<string, RecoveryVerdict>
  /** Per topic, each partition's next offset when live delivery took over. */
  positions: Record<string, Position>
  /**
   * Per partition of the topics read, the end offset the replay went to: it sent (or skipped on
   * purpose) every record below. Empty for a first subscription, which replays nothing.
   */
  replayedBelow: OffsetsByPartition
}

type GapReason = 'position_expired' | 'unknown_position' | 'scan_limit'

/** What the request's entries want of one topic. */
interface TopicWants {
  /** Entries that want every record (the topic itself, patterns matching it). */
  all: string[]
  /** Keyed streams of the topic: key → its entries. */
  keys: Map<string, string[]>
}

/**
 * Must run after the socket joined the rooms and while its live notifications are held: every
 * record below the end offsets read here is replayed, every later one arrives live.
 */
export async function catchUp(
  { reader, admin, deliverable, ignoredTopics, keyScanLimit }: CatchUpDeps,
  { entries, positions: known }: SubscriptionRequest,
  emit: (notification: Notification) => void | Promise<void>,
): Promise<CatchUpResult> {
  const existing = (await admin.listTopics()).filter((topic) => !ignoredTopics.includes(topic))
  const wants = wantsByTopic(entries, existing)
  const positions: Record<string, Position> = {}
  const ends = new Map<string, bigint>()
  const replayed = new Map<string, number>(entries.map((entry) => [entry, 0]))
  const gaps = new Map<string, GapReason>()
  const noteGap = (covering: readonly string[], reason: GapReason): void => {
    // An unknown position outweighs an expired one, which outweighs a scan cut short.
    for (const entry of covering) {
      const before = gaps.get(entry)
      if (before === undefined || GAP_WEIGHT[reason] > GAP_WEIGHT[before]) gaps.set(entry, reason)
    }
  }

  const partitions: ConsumedRecord[][] = []
  for (const [topic, { all, keys }] of wants) {
    const offsets = await admin.offsets(topic)
    positions[topic] = Object.fromEntries(
      offsets.map((o) => [String(o.partition), o.high.toString()]),
    )
    for (const { partition, high } of offsets) ends.set(partitionKey(topic, partition), high)
    if (known === undefined) continue

    for (const { partition, low, high } of offsets) {
      // A key's records are all in its partition: a partition no entry covers is not read.
      const keysHere = [...keys.keys()].filter(
        (key) => partitionForKey(key, offsets.length) === partition,
      )
      const covering = [...all, ...keysHere.flatMap((key) => keys.get(key) ?? [])]
      if (covering.length === 0) continue
      // A partition the socket has no position for holds only records it never saw.
      const stored = known[topic]?.[String(partition)]
      const wanted = stored === undefined ? low : BigInt(stored)
      if (wanted > high) {
        noteGap(covering, 'unknown_position')
        continue
      }
      if (wanted < low) noteGap(covering, 'position_expired')
      let from = wanted < low ? low : wanted
      if (all.length === 0 && high - from > BigInt(keyScanLimit)) {
        // Only keys want this partition: scan at most the latest keyScanLimit offsets of it.
        from = high - BigInt(keyScanLimit)
        noteGap(covering, 'scan_limit')
      }
      const keep =
        all.length > 0
          ? () => true
          : (record: ConsumedRecord) => keysHere.includes(record.key ?? '')
      const { records } = await scanForward(reader, topic, { partition, from, to: high }, keep, {
        maxOffsets: Number(high - from),
      })
      partitions.push(records)
    }
  }

  for (const record of mergeByTime(partitions)) {
    if (!deliverable(record)) continue
    const wanted = wants.get(record.topic)
    const covering = [
      ...(wanted?.all ?? []),
      ...(record.key === null ? [] : (wanted?.keys.get(record.key) ?? [])),
    ]
    if (covering.length === 0) continue
    // Awaited only when the socket's queue is full: the common case stays synchronous.
    const sent = emit(toNotification(record))
    if (sent !== undefined) await sent
    for (const entry of covering) replayed.set(entry, (replayed.get(entry) ?? 0) + 1)
  }

  const recovery: Record<string, RecoveryVerdict> = {}
  for (const entry of entries) {
    const count = replayed.get(entry) ?? 0
    const gap = gaps.get(entry)
    recovery[entry] =
      known === undefined
        ? { status: 'new', replayed: 0 }
        : gap === undefined
          ? { status: 'recovered', replayed: count }
          : { status: 'not_recovered', replayed: count, reason: gap }
  }
  return { recovery, positions, replayedBelow: known === undefined ? new Map() : ends }
}

const GAP_WEIGHT: Record<GapReason, number> = {
  scan_limit: 0,
  position_expired: 1,
  unknown_position: 2,
}

/** Which existing topics the entries cover, and how: wholly, or some of their keys. */
export function wantsByTopic(
  entries: readonly string[],
  existing: readonly string[],
): Map<string, TopicWants> {
  const wants = new Map<string, TopicWants>()
  const of = (topic: string): TopicWants => {
    let topicWants = wants.get(topic)
    if (topicWants === undefined) {
      topicWants = { all: [], keys: new Map() }
      wants.set(topic, topicWants)
    }
    return topicWants
  }
  for (const entry of entries) {
    const keyed = keyedStreamOf(entry)
    if (keyed !== undefined) {
      if (!existing.includes(keyed.topic)) continue
      const { keys } = of(keyed.topic)
      keys.set(keyed.key, [...(keys.get(keyed.key) ?? []), entry])
      continue
    }
    const topics = isPattern(entry)
      ? existing.filter((topic) => patternMatches(entry, topic))
      : existing.filter((topic) => topic === entry)
    for (const topic of topics) of(topic).all.push(entry)
  }
  return wants
}

/**
 * Interleaves partitions (each in offset order) by record time, never reordering a partition:
 * the next record is always the earliest of the partitions' next ones.
 */
export function mergeByTime(partitions: readonly (readonly ConsumedRecord[])[]): ConsumedRecord[] {
  const next = partitions.map(() => 0)
  const merged: ConsumedRecord[] = []
  for (;;) {
    let pick = -1
    for (const [i, records] of partitions.entries()) {
      const candidate = records[next[i] as number]
      const best = pick === -1 ? undefined : partitions[pick]?.[next[pick] as number]
      if (candidate !== undefined && (best === undefined || candidate.timestamp < best.timestamp)) {
        pick = i
      }
    }
    if (pick === -1) return merged
    merged.push(partitions[pick]?.[next[pick] as number] as ConsumedRecord)
    next[pick] = (next[pick] as number) + 1
  }
}
