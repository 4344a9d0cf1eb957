// Holds back a socket's live notifications while its catch-up is replayed from Kafka, so that it
// gets every record in offset order: the replayed ones first, then the held live ones that the
// replay did not already cover.
//
// Socket.IO adapters have no public hook for this, so the adapter instance is wrapped at the two
// points every broadcast passes — local ones and those arriving from other instances through
// Redis alike: `_encode` (which sees the packet) and `apply` (which picks the recipients).
// test/integration/recovery.test.ts fails if an upgrade of socket.io-adapter changes them.

import type { Notification } from '@herald/shared'
import type { Socket } from 'socket.io'

type Adapter = object
type AdapterFactory = (nsp: unknown) => Adapter

interface Held {
  notification: Notification | undefined
  deliver: () => void
}

interface AdapterInternals {
  _encode: (packet: { data?: unknown[] }, options: unknown) => unknown
  apply: (options: unknown, callback: (socket: Socket) => void) => void
}

export class Holds {
  readonly #held = new Map<string, Held[]>()
  #packet: { data?: unknown[] } | undefined

  /** Wraps an adapter factory (the Redis adapter's) so that its broadcasts respect holds. */
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
      if (packet === undefined || this.#held.size === 0) return apply(options, callback)
      apply(options, (socket) => {
        const held = this.#held.get(socket.id)
        if (held === undefined) return callback(socket)
        held.push({ notification: notificationOf(packet), deliver: () => callback(socket) })
      })
    }
    return adapter
  }

  /** From now on, broadcasts to this socket wait. */
  hold(socketId: string): void {
    if (!this.#held.has(socketId)) this.#held.set(socketId, [])
  }

  /** Delivers what waited, in arrival order, but the notifications `replayed` says were sent. */
  release(socketId: string, replayed: (notification: Notification) => boolean): void {
    const held = this.#held.get(socketId) ?? []
    this.#held.delete(socketId)
    for (const { notification, deliver } of held) {
      if (notification === undefined || !replayed(notification)) deliver()
    }
  }
}

function notificationOf(packet: { data?: unknown[] }): Notification | undefined {
  const [event, payload] = packet.data ?? []
  return event === 'notification' ? (payload as Notification) : undefined
}
