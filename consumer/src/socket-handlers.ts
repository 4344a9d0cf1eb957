// The `subscribe` / `unsubscribe` handlers of one socket: validate → join or leave rooms → ack.
// A room is named after its topic, so a broadcast to the topic reaches exactly its subscribers.

import {
  parseTopicsPayload,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscriptionAck,
} from '@herald/shared'
import type { Socket } from 'socket.io'

export type HeraldSocket = Socket<ClientToServerEvents, ServerToClientEvents>

/** The topics a socket watches: its rooms but the one Socket.IO gives every socket (its own id). */
export function subscribedTopics(socket: HeraldSocket): string[] {
  return [...socket.rooms].filter((room) => room !== socket.id).sort()
}

export function registerSubscriptionHandlers(socket: HeraldSocket, maxTopics: number): void {
  socket.on('subscribe', (payload, ack) => {
    const parsed = parseTopicsPayload(payload)
    if (!parsed.ok) return reply(ack, parsed)
    const current = subscribedTopics(socket)
    const total = new Set([...current, ...parsed.topics]).size
    if (total > maxTopics) {
      return reply(ack, {
        ok: false,
        error: {
          code: 'too_many_topics',
          message: `a socket may watch at most ${maxTopics} topics (this would make ${total})`,
        },
      })
    }
    void socket.join(parsed.topics)
    reply(ack, { ok: true, topics: subscribedTopics(socket) })
  })

  socket.on('unsubscribe', (payload, ack) => {
    const parsed = parseTopicsPayload(payload)
    if (!parsed.ok) return reply(ack, parsed)
    for (const topic of parsed.topics) void socket.leave(topic)
    reply(ack, { ok: true, topics: subscribedTopics(socket) })
  })
}

/** Clients may emit without an ack callback; that is not an error worth a crash. */
function reply(ack: unknown, result: SubscriptionAck): void {
  if (typeof ack === 'function') (ack as (result: SubscriptionAck) => void)(result)
}
