// The catch-up of a (re)subscription, read from Kafka: for each requested topic — each topic
// matching a requested pattern, the one key of a keyed stream — the records after the socket's
// position, in offset order per partition, with a verdict per entry. Any consumer instance can
// serve it; Redis plays no part.

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
  toNotification,
  type ConsumedRecord,
  type KafkaLogReader,
  type TopicAdmin,
} from '@herald/shared/kafka'

export interface CatchUpDeps {
  reader: Pick<KafkaLogReader, 'read'>
  admin: Pick<TopicAdmin, 'listTopics' | 'offsets'>
  /** False for records that are never delivered (see dead-letters.ts). */
  deliverable: (record: ConsumedRecord) => boolean
  /** Topics never delivered (the dead-letter topic). */
  ignoredTopics: readonly string[]
}

export interface CatchUpResult {
  recovery: Record<string, RecoveryVerdict>
  /** Per topic, each partition's next offset when live delivery took over. */
  positions: Record<string, Position>
  /** True for a notification the catch-up already covered (sent, or skipped on purpose). */
  covered: (notification: Notification) => boolean
}

type GapReason = 'position_expired' | 'unknown_position'

/**
 * Must run after the socket joined the rooms and while its live notifications are held: every
 * record below the end offsets read here is replayed, every later one arrives live.
 */
export async function catchUp(
  { reader, admin, deliverable, ignoredTopics }: CatchUpDeps,
  { entries, positions: known }: SubscriptionRequest,
  emit: (notification: Notification) => void,
): Promise<CatchUpResult> {
  const existing = (await admin.listTopics()).filter((topic) => !ignoredTopics.includes(topic))
  const recovery: Record<string, RecoveryVerdict> = {}
  const positions: Record<string, Position> = {}
  const ends = new Map<string, bigint>()

  for (const entry of entries) {
    const keyed = keyedStreamOf(entry)
    // A keyed stream replays its topic's range with only its key's records: a key has no log of
    // its own, so the scan is the topic's, bounded by the position like any other.
    const wantedKey = keyed?.key
    const topics = isPattern(entry)
      ? existing.filter((topic) => patternMatches(entry, topic))
      : existing.filter((topic) => topic === (keyed?.topic ?? entry))
    let replayed = 0
    let gap: GapReason | undefined
    for (const topic of topics) {
      const offsets = await admin.offsets(topic)
      positions[topic] = Object.fromEntries(
        offsets.map((o) => [String(o.partition), o.high.toString()]),
      )
      for (const { partition, high } of offsets) ends.set(`${topic}:${partition}`, high)
      if (known === undefined) continue

      const partitions: ConsumedRecord[][] = []
      for (const { partition, low, high } of offsets) {
        // A partition the socket has no position for holds only records it never saw.
        const stored = known[topic]?.[String(partition)]
        const wanted = stored === undefined ? low : BigInt(stored)
        if (wanted > high) {
          gap = 'unknown_position'
          continue
        }
        if (wanted < low) gap ??= 'position_expired'
        partitions.push(await reader.read(topic, partition, wanted < low ? low : wanted, high))
      }
      for (const record of mergeByTime(partitions)) {
        if (!deliverable(record)) continue
        if (wantedKey !== undefined && record.key !== wantedKey) continue
        emit(toNotification(record))
        replayed += 1
      }
    }
    recovery[entry] =
      known === undefined
        ? { status: 'new', replayed: 0 }
        : gap === undefined
          ? { status: 'recovered', replayed }
          : { status: 'not_recovered', replayed, reason: gap }
  }

  const covered = (notification: Notification): boolean => {
    const end = ends.get(`${notification.topic}:${notification.partition}`)
    return end !== undefined && known !== undefined && BigInt(notification.offset) < end
  }
  return { recovery, positions, covered }
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
