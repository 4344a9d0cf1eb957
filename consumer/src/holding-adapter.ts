// Decides, for every broadcast reaching this instance's sockets, which get it now, later, or not:
//
// - A socket whose catch-up is being replayed from Kafka is held: its live notifications wait, and
//   at the release it gets those the replay did not already send, in arrival order.
// - After a replay, a socket skips live copies of records the replay sent (a floor per partition,
//   for a while): the group broadcasts records again after a failover (from its last commit), and
//   ioredis sends a PUBLISH again after a reconnect. Without the floor, each is a duplicate.
// - While the broadcast path is interrupted (a Redis connection lost), every notification is
//   dropped: remote ones are missing anyway, so the sockets are brought back from Kafka when it is
//   back, from the positions this instance had reached when it was interrupted.
//
// Socket.IO adapters have no public hook for this, so the adapter instance is wrapped at the two
// points every broadcast passes — local ones and those arriving from other instances through
// Redis alike: `_encode` (which sees the packet) and `apply` (which picks the recipients).
// test/integration/recovery.test.ts fails if an upgrade of socket.io-adapter changes them.

import type { Notification } from '@herald/shared'
import type { Socket } from 'socket.io'

type Adapter = object
type AdapterFactory = (nsp: unknown) => Adapter

/** `topic:partition` → an offset: the replay sent every record below it, or the next to apply. */
export type OffsetsByPartition = ReadonlyMap<string, bigint>

export function partitionKey(topic: string, partition: number | string): string {
  return `${topic}:${partition}`
}

/**
 * How long a socket skips live copies of replayed records. Copies come within a failover's
 * rebalance (the 10 s session timeout and a join) or right after a Redis reconnect; a floor kept
 * for ever would swallow a topic deleted and created again, whose offsets start over.
 */
export const REPLAY_FLOOR_MS = 60_000

interface Delivery {
  partition: string
  offset: bigint
  deliver: () => void
}

interface Hold {
  /** Catch-ups under way (a resynchronisation may overlap a subscription's). */
  count: number
  waiting: Delivery[]
  replayedBelow: Map<string, bigint>
}

interface Floors {
  below: Map<string, bigint>
  setAt: number
}

interface AdapterInternals {
  _encode: (packet: { data?: unknown[] }, options: unknown) => unknown
  apply: (options: unknown, callback: (socket: Socket) => void) => void
}

export class Holds {
  readonly #held = new Map<string, Hold>()
  readonly #floors = new Map<string, Floors>()
  /** The next offset after the last notification applied here, per partition. */
  readonly #applied = new Map<string, bigint>()
  #interruptedAt: Map<string, bigint> | undefined
  #packet: { data?: unknown[] } | undefined
  #delivered = 0

  /** Notifications handed to sockets here so far, held ones once released. */
  get delivered(): number {
    return this.#delivered
  }

  /** Wraps an adapter factory (the Redis adapter's) so that its broadcasts go through here. */
  wrap(factory: AdapterFactory): AdapterFactory {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the factory must be a plain function
    const holds = this
    // Socket.IO calls `new factory(nsp)`: an arrow function cannot be called with `new`.
    return function holdingAdapter(nsp: unknown): Adapter {
      return holds.#patch(factory(nsp) as Adapter & AdapterInternals)
    }
  }

  #patch(adapter: Adapter & AdapterInternals): Adapter {
    const encode = adapter._encode.bind(adapter)
    const apply = adapter.apply.bind(adapter)
    adapter._encode = (packet, options) => {
      this.#packet = packet
      return encode(packet, options)
    }
    adapter.apply = (options, callback) => {
      const packet = this.#packet
      this.#packet = undefined
      const notification = packet === undefined ? undefined : notificationOf(packet)
      if (notification === undefined) return apply(options, callback)
      if (this.#interruptedAt !== undefined) return
      const partition = partitionKey(notification.topic, notification.partition)
      const offset = BigInt(notification.offset)
      this.#applied.set(partition, offset + 1n)
      const deliver = (socket: Socket): void => {
        this.#delivered += 1
        callback(socket)
      }
      if (this.#held.size === 0 && this.#floors.size === 0) return apply(options, deliver)
      const now = Date.now()
      apply(options, (socket) => {
        if (this.#belowFloor(socket.id, partition, offset, now)) return
        const hold = this.#held.get(socket.id)
        if (hold === undefined) return deliver(socket)
        hold.waiting.push({ partition, offset, deliver: () => deliver(socket) })
      })
    }
    return adapter
  }

  /** True for a live copy of a record the socket's last replay sent; drops floors it passed. */
  #belowFloor(socketId: string, partition: string, offset: bigint, now: number): boolean {
    const floors = this.#floors.get(socketId)
    if (floors === undefined) return false
    if (now - floors.setAt > REPLAY_FLOOR_MS) {
      this.#floors.delete(socketId)
      return false
    }
    const below = floors.below.get(partition)
    if (below === undefined) return false
    if (offset < below) return true
    // Copies come before newer records: once one is past the floor, none is left to skip.
    floors.below.delete(partition)
    if (floors.below.size === 0) this.#floors.delete(socketId)
    return false
  }

  /** From now on, broadcasts to this socket wait (until as many releases as holds). */
  hold(socketId: string): void {
    const hold = this.#held.get(socketId)
    if (hold === undefined)
      this.#held.set(socketId, { count: 1, waiting: [], replayedBelow: new Map() })
    else hold.count += 1
  }

  /**
   * Ends one hold: `replayedBelow` says up to where the catch-up sent each partition. At the last
   * release, what waited is delivered in arrival order, but for what some replay already sent.
   */
  release(socketId: string, replayedBelow: OffsetsByPartition): void {
    const hold = this.#held.get(socketId)
    if (hold === undefined) return
    for (const [partition, below] of replayedBelow) {
      const before = hold.replayedBelow.get(partition)
      if (before === undefined || below > before) hold.replayedBelow.set(partition, below)
    }
    hold.count -= 1
    if (hold.count > 0) return
    this.#held.delete(socketId)
    for (const { partition, offset, deliver } of hold.waiting) {
      const below = hold.replayedBelow.get(partition)
      if (below === undefined || offset >= below) deliver()
    }
    if (hold.replayedBelow.size > 0) {
      this.#floors.set(socketId, { below: hold.replayedBelow, setAt: Date.now() })
    }
  }

  /** A socket that disconnected: nothing of it is kept. */
  forget(socketId: string): void {
    this.#held.delete(socketId)
    this.#floors.delete(socketId)
  }

  get interrupted(): boolean {
    return this.#interruptedAt !== undefined
  }

  /** The broadcast path is broken: drop every notification until `resume`. */
  interrupt(): void {
    this.#interruptedAt ??= new Map(this.#applied)
  }

  /**
   * Broadcasts flow again. Returns how far this instance had applied each partition when it was
   * interrupted: every socket here has every record below that (and below its own catch-ups'
   * ends), nothing after. Hold the sockets to bring back before calling it.
   */
  resume(): OffsetsByPartition {
    const reached = this.#interruptedAt ?? new Map<string, bigint>()
    this.#interruptedAt = undefined
    return reached
  }
}

function notificationOf(packet: { data?: unknown[] }): Notification | undefined {
  const [event, payload] = packet.data ?? []
  return event === 'notification' ? (payload as Notification) : undefined
}
