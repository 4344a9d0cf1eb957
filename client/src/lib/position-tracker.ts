// Where the page stands in each topic: per concrete topic and partition, the next offset it has not
// seen (a keyed stream stands where its topic does: its positions are the topic's). A resubscription sends these, so the server replays what the page missed.
//
// A position moves only past records known to have come without a hole: it starts from a subscribe
// ack's positions and then follows each notification. While a subscription is unanswered, what
// arrives for its topics counts only once the ack confirms the catch-up. If the catch-up fails or
// the connection drops, the positions stay where they were, so the next request asks from there
// again (the feed drops anything that arrives twice).

import { isPattern, patternMatches, type Notification, type Position } from '@herald/shared'

import { topicOfEntry } from './watch-entries'

/** Topic → its position: a subscribe request's `positions`, and its ack's. */
export type Positions = Record<string, Position>

/** A partition whose offsets started again below the page's position: its topic was re-created. */
export interface PartitionReset {
  topic: string
  partition: number
  /** The position the page sent: every offset below it named a record of the old topic. */
  below: bigint
}

export interface PendingSubscription {
  readonly entries: readonly string[]
  /** What was sent as `positions`; undefined for a first subscription. */
  readonly sent: Positions | undefined
}

export interface Settlement {
  resets: PartitionReset[]
  /** The notifications `arrive` held back, in arrival order, to go to the feed now. */
  released: Notification[]
}

export interface PositionTracker {
  /** Positions for the topics that `entries` name or match, limited to topics an ack gave one. */
  positionsFor(entries: readonly string[]): Positions
  /** Records a subscribe request that was just sent. */
  begin(entries: readonly string[], sent: Positions | undefined): PendingSubscription
  isPending(subscription: PendingSubscription): boolean
  /**
   * Records a notification as it arrives. Answers false when the notification must wait for its
   * subscription's ack. That happens when it is below the position the subscription sent, so it
   * is either a redelivery or a record of a re-created topic whose offset an old record still
   * holds in the feed.
   */
  arrive(notification: Notification): boolean
  /**
   * Whether `notification` skips offsets: no subscription of its topic is unanswered and its
   * partition's position is below it. Within a partition, herald's own records have consecutive
   * offsets, so a page reading the whole topic has missed the records in between. (A keyed
   * stream's records are not consecutive, and a compacted topic or a dead-lettered record leaves
   * holes that are no loss: asking again then replays nothing new.)
   */
  gapAt(notification: Notification): boolean
  /** The subscription's ack: the positions it gave, advanced past what arrived meanwhile. */
  settle(
    subscription: PendingSubscription,
    ackPositions: Positions,
    isWatched: (topic: string) => boolean,
  ): Settlement
  /**
   * The subscription was refused or its connection was lost: what arrived meanwhile does not move
   * any position. Answers the notifications that were held back.
   */
  abandon(subscription: PendingSubscription): Notification[]
  /** Abandons every unanswered subscription, as a disconnect does. */
  abandonAll(): Notification[]
  /** Drops a topic that is no longer watched. */
  forget(topic: string): void
}

interface Pending extends PendingSubscription {
  /** Per topic, the positions just past what arrived since the request. */
  readonly seen: Map<string, Position>
  readonly held: Notification[]
}

const covers = (entry: string, topic: string): boolean =>
  topicOfEntry(entry) === topic || (isPattern(entry) && patternMatches(entry, topic))

/** Moves `position`'s partition to `next` (a decimal offset) unless it is already past it. */
function advance(position: Position, partition: string, next: string): void {
  const current = position[partition]
  if (current === undefined || BigInt(next) > BigInt(current)) position[partition] = next
}

function advancePast(
  positions: Map<string, Position>,
  { topic, partition, offset }: Notification,
): void {
  let position = positions.get(topic)
  if (position === undefined) positions.set(topic, (position = {}))
  advance(position, String(partition), (BigInt(offset) + 1n).toString())
}

export function createPositionTracker(): PositionTracker {
  const established = new Map<string, Position>()
  const pending = new Set<Pending>()

  const settleTopic = (
    topic: string,
    request: Pending,
    acked: Position | undefined,
  ): PartitionReset[] => {
    const resets: PartitionReset[] = []
    const current = established.get(topic) ?? {}
    // A partition missing from the ack no longer exists; a topic missing from it did not exist yet.
    const next: Position = acked === undefined ? { ...current } : {}
    for (const [partition, offset] of Object.entries(acked ?? {})) {
      next[partition] = offset
      // The server's own test for `unknown_position`: the position is past the partition's end.
      const sent = request.sent?.[topic]?.[partition]
      if (sent !== undefined && BigInt(sent) > BigInt(offset)) {
        resets.push({ topic, partition: Number(partition), below: BigInt(sent) })
        continue
      }
      const known = current[partition]
      if (known !== undefined) advance(next, partition, known)
    }
    for (const [partition, offset] of Object.entries(request.seen.get(topic) ?? {})) {
      advance(next, partition, offset)
    }
    established.set(topic, next)
    return resets
  }

  const abandon = (request: Pending): Notification[] => {
    pending.delete(request)
    return request.held
  }

  return {
    positionsFor(entries) {
      const positions: Positions = {}
      for (const [topic, position] of established) {
        if (entries.some((entry) => covers(entry, topic))) positions[topic] = { ...position }
      }
      return positions
    },
    begin(entries, sent) {
      const request: Pending = { entries: [...entries], sent, seen: new Map(), held: [] }
      pending.add(request)
      return request
    },
    isPending: (subscription) => pending.has(subscription as Pending),
    gapAt({ topic, partition, offset }) {
      if ([...pending].some((request) => request.entries.some((entry) => covers(entry, topic))))
        return false
      const next = established.get(topic)?.[String(partition)]
      return next !== undefined && BigInt(offset) > BigInt(next)
    },
    arrive(notification) {
      const requests = [...pending].filter((request) =>
        request.entries.some((entry) => covers(entry, notification.topic)),
      )
      if (requests.length === 0) {
        if (established.has(notification.topic)) advancePast(established, notification)
        return true
      }
      for (const request of requests) advancePast(request.seen, notification)
      const below = requests.find((request) => {
        const sent = request.sent?.[notification.topic]?.[String(notification.partition)]
        return sent !== undefined && BigInt(notification.offset) < BigInt(sent)
      })
      below?.held.push(notification)
      return below === undefined
    },
    settle(subscription, ackPositions, isWatched) {
      const request = subscription as Pending
      if (!pending.delete(request)) return { resets: [], released: [] }
      const topics = new Set([
        ...Object.keys(ackPositions),
        ...request.seen.keys(),
        ...request.entries.filter((entry) => !isPattern(entry)).map(topicOfEntry),
      ])
      const resets = [...topics]
        .filter(isWatched)
        .flatMap((topic) => settleTopic(topic, request, ackPositions[topic]))
      return { resets, released: request.held }
    },
    abandon: (subscription) => abandon(subscription as Pending),
    abandonAll: () => [...pending].flatMap(abandon),
    forget(topic) {
      established.delete(topic)
      for (const request of pending) request.seen.delete(topic)
    },
  }
}
