// The `subscribe` / `unsubscribe` / `token:refresh` handlers of one socket: check the limit and
// the grant → join or leave rooms → catch up from Kafka → acknowledge; and its resynchronisation
// after the broadcast path was interrupted. A socket's changes run one after the other, so a
// refresh never races a subscription it would narrow, nor two replays each other.

import {
  entryOf,
  parseSubscription,
  roomOf,
  type ClientToServerEvents,
  type ErrorCode,
  type ErrorDetail,
  type Notification,
  type Position,
  type RecoveryVerdict,
  type ServerToClientEvents,
  type SubscriptionAck,
  type TokenRefreshAck,
} from '@herald/shared'
import { firstUngranted, grantCovers, TokenError, type TokenVerifier } from '@herald/shared/access'
import type { Logger } from '@herald/shared/service'
import type { DefaultEventsMap, Socket } from 'socket.io'

import { catchUp, type CatchUpDeps } from './catch-up.js'
import type { Holds, OffsetsByPartition } from './holding-adapter.js'
import type { RefusedCaller } from './refusal-tally.js'
import { resumePositions } from './resume-positions.js'
import type { SocketAccess } from './socket-access.js'
import { watchTokenLifetime } from './token-lifetime.js'
import type { WorkLimit } from './work-limit.js'

export type HeraldSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  DefaultEventsMap,
  SocketAccess
>

export interface SubscriptionDeps extends CatchUpDeps {
  holds: Holds
  maxTopics: number
  /** subscribe and unsubscribe operations per window, per socket. */
  operationsLimit: number
  operationsWindowMs: number
  /** Verifies refreshed tokens; absent in open mode. */
  verifier: TokenVerifier | undefined
  tokenExpiryNoticeMs: number
  /** Bounds how many sockets of this instance resynchronise at once. */
  resyncLimit: WorkLimit
  /** Told each refused subscribe, unsubscribe or refresh: its code and who was refused. */
  onRefused: (code: ErrorCode, caller: RefusedCaller) => void
  /** Told each catch-up's verdicts, for /metrics. */
  onRecovery: (recovery: Readonly<Record<string, RecoveryVerdict>>) => void
  /**
   * Undefined while the socket's outbound queue has room; otherwise resolves once its transport
   * took the queue (or the connection closed), so a long replay never cuts its own socket.
   */
  whenRoom: () => Promise<void> | undefined
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

export interface SubscriptionSession {
  /**
   * Replays from Kafka what the socket may have missed while broadcasts were interrupted, then
   * sends `resync`. The socket must be held already; this releases it.
   */
  resync: (reached: OffsetsByPartition) => void
}

export function registerSubscriptionHandlers(
  socket: HeraldSocket,
  deps: SubscriptionDeps,
): SubscriptionSession {
  let queue: Promise<void> = Promise.resolve()
  const serially = <T>(work: () => Promise<T>, ack: unknown): void => {
    queue = queue.then(async () => {
      const answer = await work()
      const refused = (answer as { ok?: boolean; error?: ErrorDetail } | undefined)?.error
      if (refused !== undefined) {
        deps.onRefused(refused.code, socket.data.grant === undefined ? 'open' : 'token')
      }
      reply(ack, answer)
    })
  }
  /** Per topic, where the last catch-up that read it ended: the socket has every record below. */
  const acked: Record<string, Position> = {}
  const remember = (positions: Record<string, Position>): void => {
    Object.assign(acked, positions)
  }
  const withinLimit = operationLimit(deps.operationsLimit, deps.operationsWindowMs)
  const lifetime = watchTokenLifetime(socket, {
    noticeMs: deps.tokenExpiryNoticeMs,
    logger: deps.logger,
  })
  lifetime.schedule()

  socket.on('subscribe', (payload, ack) =>
    serially(() => withinLimit() ?? subscribe(socket, payload, deps, remember), ack),
  )
  socket.on('unsubscribe', (payload, ack) =>
    serially(async () => {
      const refused = withinLimit()
      if (refused !== undefined) return refused
      const parsed = parseSubscription(payload)
      if (!parsed.ok) return parsed
      for (const entry of parsed.request.entries) await socket.leave(roomOf(entry))
      return { ok: true, topics: subscribedEntries(socket) }
    }, ack),
  )
  socket.on('token:refresh', (token, ack) =>
    serially(async () => {
      const answer = await refresh(socket, token, deps)
      if (answer.ok) lifetime.schedule()
      return answer
    }, ack),
  )
  socket.on('disconnect', () => deps.holds.forget(socket.id))

  return {
    resync: (reached) =>
      serially(
        () =>
          resync(
            socket,
            resumePositions(acked, reached, subscribedEntries(socket)),
            deps,
            remember,
          ),
        undefined,
      ),
  }
}

/** A fixed window of operations per socket: a socket lives on one instance, so this is local. */
function operationLimit(
  limit: number,
  windowMs: number,
): () => Promise<{ ok: false; error: ErrorDetail }> | undefined {
  let windowStart = 0
  let used = 0
  return () => {
    const now = Date.now()
    if (now - windowStart >= windowMs) {
      windowStart = now
      used = 0
    }
    used += 1
    if (used <= limit) return undefined
    const seconds = Math.ceil((windowStart + windowMs - now) / 1000)
    return Promise.resolve({
      ok: false,
      error: {
        code: 'rate_limited',
        message: `a socket may subscribe or unsubscribe ${limit} times per ${windowMs / 1000} s; retry in ${seconds} s`,
      },
    })
  }
}

/** Swaps the socket's token for a fresh one of the same subject; leaves what it no longer grants. */
async function refresh(
  socket: HeraldSocket,
  token: unknown,
  { verifier }: SubscriptionDeps,
): Promise<TokenRefreshAck> {
  const current = socket.data.grant
  if (verifier === undefined || current === undefined) {
    return {
      ok: false,
      error: { code: 'invalid_body', message: 'access is open: no token to refresh' },
    }
  }
  let grant
  try {
    grant = await verifier.verify(token)
  } catch (error) {
    const refusal =
      error instanceof TokenError
        ? error
        : new TokenError('unauthorized', 'token could not be verified')
    return { ok: false, error: { code: refusal.code, message: refusal.message } }
  }
  if (grant.subject !== current.subject) {
    return {
      ok: false,
      error: {
        code: 'forbidden',
        message: `a refreshed token must be for the same subject ("${current.subject}", not "${grant.subject}")`,
      },
    }
  }
  socket.data.grant = grant
  for (const entry of subscribedEntries(socket)) {
    if (!grant.watch.some((granted) => grantCovers(granted, entry)))
      await socket.leave(roomOf(entry))
  }
  return { ok: true, expiresAt: grant.expiresAt, topics: subscribedEntries(socket) }
}

async function subscribe(
  socket: HeraldSocket,
  payload: unknown,
  deps: SubscriptionDeps,
  remember: (positions: Record<string, Position>) => void,
): Promise<SubscriptionAck> {
  const parsed = parseSubscription(payload)
  if (!parsed.ok) return parsed
  const { request } = parsed
  const grant = socket.data.grant
  const ungranted = grant === undefined ? undefined : firstUngranted(grant.watch, request.entries)
  if (ungranted !== undefined) {
    return {
      ok: false,
      error: { code: 'forbidden', message: `the token does not grant "${ungranted}"` },
    }
  }
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
  let replayedBelow: OffsetsByPartition = new Map()
  try {
    await socket.join(request.entries.map(roomOf))
    const result = await catchUp(deps, request, replayTo(socket, deps))
    replayedBelow = result.replayedBelow
    deps.onRecovery(result.recovery)
    remember(result.positions)
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
    deps.holds.release(socket.id, replayedBelow)
  }
}

/**
 * The same catch-up as a subscription's, from the positions the socket had reached, for every
 * entry it watches. If Kafka cannot be read, the socket is disconnected: it reconnects and
 * subscribes again with its own positions, rather than stay on with a gap nobody mentioned.
 */
async function resync(
  socket: HeraldSocket,
  positions: Record<string, Position>,
  deps: SubscriptionDeps,
  remember: (positions: Record<string, Position>) => void,
): Promise<void> {
  const entries = subscribedEntries(socket)
  let replayedBelow: OffsetsByPartition = new Map()
  try {
    if (entries.length === 0 || !socket.connected) return
    const result = await deps.resyncLimit(() =>
      catchUp(deps, { entries, positions }, replayTo(socket, deps)),
    )
    replayedBelow = result.replayedBelow
    deps.onRecovery(result.recovery)
    remember(result.positions)
    socket.emit('resync', {
      reason: 'broadcast_interrupted',
      message: 'live delivery was interrupted; what was missed meanwhile was replayed from Kafka',
      recovery: result.recovery,
      positions: result.positions,
    })
  } catch (error) {
    deps.logger.warn({ err: error, entries }, 'resynchronisation failed; disconnecting the socket')
    socket.disconnect(true)
  } finally {
    deps.holds.release(socket.id, replayedBelow)
  }
}

/** Sends a replay's notifications no faster than the socket's client takes them. */
function replayTo(
  socket: HeraldSocket,
  { whenRoom }: SubscriptionDeps,
): (notification: Notification) => Promise<void> | undefined {
  return (notification) => {
    socket.emit('notification', notification)
    return whenRoom()
  }
}

/** Clients may emit without an ack callback; that is not an error worth a crash. */
function reply(ack: unknown, result: unknown): void {
  if (typeof ack === 'function') (ack as (result: unknown) => void)(result)
}
