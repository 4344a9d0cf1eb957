// The notifications the page shows: deduplicated, newest first, at most FEED_LIMIT_PER_TOPIC per
// topic. Plain TypeScript, so Vue only ever sees the immutable snapshots it hands out.
//
// Newest first means latest to arrive first across partitions: Kafka defines no order there, and
// record timestamps come from several producers' clocks. Within a partition the order is Kafka's
// own, offset order, even for a record that comes late (a redelivery after a rebalance, or a record
// written before a subscription that the consumers reach only after it): it takes its place below
// its partition's later records.

import type { Notification } from '@herald/shared'

/** How many notifications of one topic the page keeps; older ones are counted, not kept. */
export const FEED_LIMIT_PER_TOPIC = 1000

export interface FeedEntry {
  /** `${topic}:${partition}:${offset}`: what identifies a record, and the render key. */
  readonly id: string
  readonly notification: Notification
}

export interface TopicCount {
  /** Notifications of the topic in `entries`. */
  readonly shown: number
  /** Every distinct notification of the topic received since it was watched (or reset). */
  readonly received: number
}

export interface FeedSnapshot {
  /** Newest first: the last to arrive first. */
  readonly entries: readonly FeedEntry[]
  readonly counts: ReadonlyMap<string, TopicCount>
}

export interface FeedStore {
  /** Adds what is new in `batch`; answers whether the snapshot changed. */
  add(batch: readonly Notification[]): boolean
  /** Forgets a topic: its entries, its counts and the records it has seen. */
  removeTopic(topic: string): void
  /**
   * Stops showing the notifications `unwanted` picks (a keyed stream no longer watched while its
   * topic still is read): they leave the entries and the received counts.
   */
  removeWhere(unwanted: (notification: Notification) => boolean): void
  /**
   * Forgets a partition's records below `below`: its topic was deleted and created again, so those
   * offsets now name other records. The topic's count starts again from what it still shows.
   */
  resetPartition(topic: string, partition: number, below: bigint): void
  /** Shows nothing until new records come; what was shown stays recognised, so it never returns. */
  clear(): void
  snapshot(): FeedSnapshot
}

export const EMPTY_FEED: FeedSnapshot = { entries: [], counts: new Map() }

export function notificationId({ topic, partition, offset }: Notification): string {
  return `${topic}:${partition}:${offset}`
}

function partitionKey({ topic, partition }: Notification): string {
  return `${topic}:${partition}`
}

const byOffsetDescending = (a: FeedEntry, b: FeedEntry): number => {
  const [x, y] = [BigInt(a.notification.offset), BigInt(b.notification.offset)]
  return x > y ? -1 : x < y ? 1 : 0
}

/** Puts each partition's entries in descending offset order, in the places they already hold. */
function inOffsetOrder(newestFirst: readonly FeedEntry[]): FeedEntry[] {
  const places = new Map<string, number[]>()
  newestFirst.forEach((entry, index) => {
    const key = partitionKey(entry.notification)
    const indexes = places.get(key)
    if (indexes === undefined) places.set(key, [index])
    else indexes.push(index)
  })
  const ordered = [...newestFirst]
  for (const indexes of places.values()) {
    const sorted = indexes.map((index) => newestFirst[index] as FeedEntry).sort(byOffsetDescending)
    indexes.forEach((place, rank) => {
      ordered[place] = sorted[rank] as FeedEntry
    })
  }
  return ordered
}

export interface FeedLimits {
  /** Notifications kept per topic. @default FEED_LIMIT_PER_TOPIC */
  perTopic?: number
  /** Notifications kept across all topics, for a feed of patterns over many topics. @default no bound but per topic */
  total?: number
}

export function createFeedStore(limits: number | FeedLimits = FEED_LIMIT_PER_TOPIC): FeedStore {
  const { perTopic: limitPerTopic = FEED_LIMIT_PER_TOPIC, total: limitTotal = Infinity } =
    typeof limits === 'number' ? { perTopic: limits } : limits
  let entries: readonly FeedEntry[] = []
  let counts = new Map<string, TopicCount>()
  const received = new Map<string, number>()
  // Ids of the entries kept. Once an entry is dropped, its id leaves this set and the highest
  // dropped offset of its partition stands for it, so memory stays bounded under any load and a
  // redelivered old record (after a consumer rebalance) is still recognised.
  const keptIds = new Set<string>()
  const droppedUpTo = new Map<string, bigint>()
  // The highest offset added per partition: a record below it came late.
  const newest = new Map<string, bigint>()

  const isDropped = (n: Notification): boolean => {
    const floor = droppedUpTo.get(partitionKey(n))
    return floor !== undefined && BigInt(n.offset) <= floor
  }
  const drop = (entry: FeedEntry): void => {
    keptIds.delete(entry.id)
    const key = partitionKey(entry.notification)
    const floor = droppedUpTo.get(key)
    const offset = BigInt(entry.notification.offset)
    if (floor === undefined || offset > floor) droppedUpTo.set(key, offset)
  }

  const keepLatest = (newestFirst: readonly FeedEntry[]): FeedEntry[] => {
    const shown = new Map<string, number>()
    const kept: FeedEntry[] = []
    for (const entry of newestFirst) {
      const { topic } = entry.notification
      const count = (shown.get(topic) ?? 0) + 1
      if (count > limitPerTopic || kept.length >= limitTotal) {
        drop(entry)
        continue
      }
      shown.set(topic, count)
      kept.push(entry)
    }
    counts = new Map(
      [...shown].map(([topic, count]) => [
        topic,
        { shown: count, received: received.get(topic) ?? count },
      ]),
    )
    return kept
  }

  return {
    add(batch) {
      const fresh: FeedEntry[] = []
      let late = false
      for (const notification of batch) {
        const id = notificationId(notification)
        if (keptIds.has(id) || isDropped(notification)) continue
        keptIds.add(id)
        fresh.push({ id, notification })
        received.set(notification.topic, (received.get(notification.topic) ?? 0) + 1)
        const key = partitionKey(notification)
        const offset = BigInt(notification.offset)
        const top = newest.get(key)
        if (top !== undefined && offset < top) late = true
        else newest.set(key, offset)
      }
      if (fresh.length === 0) return false
      const merged = fresh.reverse().concat(entries)
      // Sorting is for the rare late record; in-order arrivals keep the cheap path.
      entries = keepLatest(late ? inOffsetOrder(merged) : merged)
      return true
    },
    removeTopic(topic) {
      entries = entries.filter((entry) => {
        if (entry.notification.topic !== topic) return true
        keptIds.delete(entry.id)
        return false
      })
      for (const positions of [droppedUpTo, newest]) {
        for (const key of positions.keys()) {
          if (key.startsWith(`${topic}:`)) positions.delete(key)
        }
      }
      received.delete(topic)
      counts = new Map(counts)
      counts.delete(topic)
    },
    removeWhere(unwanted) {
      entries = entries.filter((entry) => {
        if (!unwanted(entry.notification)) return true
        keptIds.delete(entry.id)
        const { topic } = entry.notification
        received.set(topic, (received.get(topic) ?? 1) - 1)
        return false
      })
      entries = keepLatest(entries)
    },
    resetPartition(topic, partition, below) {
      const key = `${topic}:${partition}`
      const kept = entries.filter((entry) => {
        const stale =
          partitionKey(entry.notification) === key && BigInt(entry.notification.offset) < below
        if (stale) keptIds.delete(entry.id)
        return !stale
      })
      // Offsets at or above `below` came after the reset: what they say still holds.
      for (const positions of [droppedUpTo, newest]) {
        const offset = positions.get(key)
        if (offset !== undefined && offset < below) positions.delete(key)
      }
      received.set(topic, kept.filter((entry) => entry.notification.topic === topic).length)
      entries = keepLatest(kept)
    },
    clear() {
      entries.forEach(drop)
      entries = []
      received.clear()
      counts = new Map()
    },
    snapshot: () => ({ entries, counts }),
  }
}
