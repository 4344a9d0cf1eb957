// The `subscribe` / `unsubscribe` handlers of one socket: validate → join or leave rooms → catch
// up from Kafka → acknowledge. A socket's subscription changes run one after the other.

import {
  entryOf,
  parseSubscription,
  roomOf,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscriptionAck,
} from '@herald/shared'
import type { Logger } from '@herald/shared/service'
import type { Socket } from 'socket.io'

import { catchUp, type CatchUpDeps } from './catch-up.js'
import type { Holds } from './holding-adapter.js'

export type HeraldSocket = Socket<ClientToServerEvents, ServerToClientEvents>

export interface SubscriptionDeps extends CatchUpDeps {
  holds: Holds
  maxTopics: number
  logger: Logger
}

/** The topics and patterns a socket watches, from its rooms. */
export function subscribedEntries(socket: HeraldSocket): string[] {
  return [...socket.rooms]
    .filter((room) => room !== socket.id)
    .map(entryOf)
    .filter((entry): entry is string => entry !== undefined)
    .sort()
}

export function registerSubscriptionHandlers(socket: HeraldSocket, deps: SubscriptionDeps): void {
  let queue: Promise<void> = Promise.resolve()
  const serially = (work: () => Promise<SubscriptionAck>, ack: unknown): void => {
    queue = queue.then(async () => reply(ack, await work()))
  }

  socket.on('subscribe', (payload, ack) => serially(() => subscribe(socket, payload, deps), ack))
  socket.on('unsubscribe', (payload, ack) =>
    serially(async () => {
      const parsed = parseSubscription(payload)
      if (!parsed.ok) return parsed
      for (const entry of parsed.request.entries) await socket.leave(roomOf(entry))
      return { ok: true, topics: subscribedEntries(socket) }
    }, ack),
  )
}

async function subscribe(
  socket: HeraldSocket,
  payload: unknown,
  deps: SubscriptionDeps,
): Promise<SubscriptionAck> {
  const parsed = parseSubscription(payload)
  if (!parsed.ok) return parsed
  const { request } = parsed
  const before = subscribedEntries(socket)
  const total = new Set([...before, ...request.entries]).size
  if (total > deps.maxTopics) {
    return {
      ok: false,
      error: {
        code: 'too_many_topics',
        message: `a socket may watch at most ${deps.maxTopics} topics and patterns (this would make ${total})`,
      },
    }
  }

  // Join first and hold live delivery, then read the log's end: nothing falls in between.
  deps.holds.hold(socket.id)
  let covered: Parameters<Holds['release']>[1] = () => false
  try {
    await socket.join(request.entries.map(roomOf))
    const result = await catchUp(deps, request, (notification) =>
      socket.emit('notification', notification),
    )
    covered = result.covered
    return {
      ok: true,
      topics: subscribedEntries(socket),
      recovery: result.recovery,
      positions: result.positions,
    }
  } catch (error) {
    deps.logger.warn({ err: error, entries: request.entries }, 'subscription catch-up failed')
    const added = request.entries.filter((entry) => !before.includes(entry))
    for (const entry of added) await socket.leave(roomOf(entry))
    return {
      ok: false,
      error: {
        code: 'kafka_unavailable',
        message: 'could not read Kafka to catch up; subscribe again',
      },
    }
  } finally {
    deps.holds.release(socket.id, covered)
  }
}

/** Clients may emit without an ack callback; that is not an error worth a crash. */
function reply(ack: unknown, result: SubscriptionAck): void {
  if (typeof ack === 'function') (ack as (result: SubscriptionAck) => void)(result)
}
