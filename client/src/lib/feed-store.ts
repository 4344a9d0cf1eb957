// The notifications the page shows: deduplicated, newest first, at most FEED_LIMIT_PER_TOPIC per
// topic. Plain TypeScript, so Vue only ever sees the immutable snapshots it hands out.
//
// Newest first means latest to arrive first. Within a partition that is Kafka's own order (offset
// order); across partitions Kafka defines none, and record timestamps come from several producers'
// clocks, so sorting by them could list a partition's later record below its earlier one.

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
  /** Every distinct notification of the topic received since it was watched. */
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
  snapshot(): FeedSnapshot
}

export const EMPTY_FEED: FeedSnapshot = { entries: [], counts: new Map() }

export function notificationId({ topic, partition, offset }: Notification): string {
  return `${topic}:${partition}:${offset}`
}

function partitionKey({ topic, partition }: Notification): string {
  return `${topic}:${partition}`
}

export function createFeedStore(limitPerTopic = FEED_LIMIT_PER_TOPIC): FeedStore {
  let entries: readonly FeedEntry[] = []
  let counts = new Map<string, TopicCount>()
  const received = new Map<string, number>()
  // Ids of the entries kept. Once an entry is dropped, its id leaves this set and the highest
  // dropped offset of its partition stands for it, so memory stays bounded under any load and a
  // redelivered old record (after a consumer rebalance) is still recognised.
  const keptIds = new Set<string>()
  const droppedUpTo = new Map<string, bigint>()

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
      if (count > limitPerTopic) {
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
      for (const notification of batch) {
        const id = notificationId(notification)
        if (keptIds.has(id) || isDropped(notification)) continue
        keptIds.add(id)
        fresh.push({ id, notification })
        received.set(notification.topic, (received.get(notification.topic) ?? 0) + 1)
      }
      if (fresh.length === 0) return false
      entries = keepLatest(fresh.reverse().concat(entries))
      return true
    },
    removeTopic(topic) {
      entries = entries.filter((entry) => {
        if (entry.notification.topic !== topic) return true
        keptIds.delete(entry.id)
        return false
      })
      for (const key of droppedUpTo.keys()) {
        if (key.startsWith(`${topic}:`)) droppedUpTo.delete(key)
      }
      received.delete(topic)
      counts = new Map(counts)
      counts.delete(topic)
    },
    snapshot: () => ({ entries, counts }),
  }
}
