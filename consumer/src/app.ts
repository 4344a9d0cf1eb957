// The consumer's servers: one HTTP server for health and Socket.IO. Takes its dependencies, never
// listens and never reads env.

import {
  roomsForRecord,
  type ClientToServerEvents,
  type ErrorCode,
  type ServerToClientEvents,
} from '@herald/shared'
import type { TokenVerifier } from '@herald/shared/access'
import type { SlotLimiter } from '@herald/shared/limits'
import { toNotification, type ConsumedRecord } from '@herald/shared/kafka'
import type { Logger, OwnStatus, ServiceMetrics } from '@herald/shared/service'
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http'
import { Server, type DefaultEventsMap, type ServerOptions } from 'socket.io'

import type { CatchUpDeps } from './catch-up.js'
import type { ConsumerConfig } from './config.js'
import { poisonReason, type DeadLetters } from './dead-letters.js'
import { DeliveryPressure } from './delivery-pressure.js'
import { Holds } from './holding-adapter.js'
import { createConsumerMetrics } from './metrics.js'
import {
  closeSlowConnection,
  outboundTotals,
  roomOnConnection,
  slowConsumerNotice,
  watchOutbound,
  type OutboundQueue,
  type QueuedOutbound,
} from './outbound-limit.js'
import { RecoveryTally } from './recovery-tally.js'
import { RefusalTally, type RefusedCaller } from './refusal-tally.js'
import { AFFINITY_HEADER, sessionIdFromAffinity } from './session-id.js'
import { admitSockets, type SocketAccess } from './socket-access.js'
import {
  registerSubscriptionHandlers,
  type HeraldSocket,
  type SubscriptionSession,
} from './socket-handlers.js'
import { createWorkLimit } from './work-limit.js'
import { WriteCoalescer } from './write-coalescing.js'

export type HeraldServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  DefaultEventsMap,
  SocketAccess
>

export const OPEN_ACCESS_WARNING =
  'HERALD_OPEN_ACCESS=true: anyone who reaches this service may watch every topic'

/** Catch-ups at once after an interruption: each is a few small Kafka requests. */
const RESYNC_CONCURRENCY = 16

export interface ConsumerAppDeps {
  config: Pick<
    ConsumerConfig,
    | 'instance'
    | 'access'
    | 'maxTopicsPerSocket'
    | 'maxRecordBytes'
    | 'tokenExpiryNoticeMs'
    | 'socketsPerSubjectLimit'
    | 'socketsPerAddressLimit'
    | 'subscribesPerSocketLimit'
    | 'subscribesWindowMs'
    | 'writeIntervalMs'
    | 'outbound'
    | 'pressure'
    | 'behindLagRecords'
  >
  /** Verifies the handshake's token; absent in open mode. */
  verifier: TokenVerifier | undefined
  /** Socket slots per subject and per address, shared by every instance. */
  slots: Pick<SlotLimiter, 'acquire' | 'release'>
  /** Whether each dependency (Kafka group, Redis) is connected, for /readyz. */
  readiness: () => Record<string, boolean>
  /** How many topics this instance consumes, for /healthz. */
  consumedTopics: () => number
  /** The partitions it holds, `<topic>:<partition>`, for the instance registry. */
  heldPartitions: () => string[]
  /** Records left to read in the partitions this instance holds. */
  lag: () => number
  /** Group generations joined and the time spent rebalancing (KafkaSubscriber.rebalances). */
  rebalances: () => Readonly<{ joins: number; rebalancingMs: number }>
  /** The whole group's lag as Kafka last said (group-lag-watch.ts). */
  groupLag: () => number
  /** Redis commands of the adapter sent and not yet answered. */
  redisPending: () => number
  /** Reads the log for the catch-up of a (re)subscribing socket. */
  catchUp: Omit<CatchUpDeps, 'deliverable'>
  deadLetters: DeadLetters
  /** The Socket.IO adapter (Redis in production); the in-memory one when absent. */
  adapter?: ServerOptions['adapter']
  /**
   * Whether another instance may have a socket in one of these rooms (room-directory.ts); when
   * not, a record is broadcast here only. Absent: always (every broadcast goes through the adapter).
   */
  othersWatch?: (rooms: readonly string[]) => boolean
  /** The process's registry, served on `/metrics`; the consumer adds its own metrics to it. */
  metrics: ServiceMetrics
  logger: Logger
}

export interface ConsumerApp {
  httpServer: HttpServer
  io: HeraldServer
  /**
   * Emits one record to its topic's room and the rooms of matching patterns, on every instance
   * through the adapter — or sends it to the dead-letter topic when it cannot be delivered.
   */
  deliver: (record: ConsumedRecord) => void | Promise<void>
  /**
   * The broadcast path (Redis) broke: broadcasts may be missing, so none is delivered until
   * `resumeBroadcasts`. Idempotent.
   */
  interruptBroadcasts: () => void
  /** The broadcast path works again: every socket here is brought back from Kafka, then resumed. */
  resumeBroadcasts: () => void
  /** Shutting down: `deliver` no longer waits for sockets that do not read. */
  stopWaiting: () => void
  /** What the instance registry shows of this instance (the figures of /healthz and /readyz). */
  instanceStatus: () => OwnStatus
}

export function createConsumerApp({
  config,
  verifier,
  slots,
  readiness,
  consumedTopics,
  heldPartitions,
  lag,
  rebalances,
  groupLag,
  redisPending,
  catchUp,
  deadLetters,
  adapter,
  othersWatch = () => true,
  metrics,
  logger,
}: ConsumerAppDeps): ConsumerApp {
  const httpServer = createServer()
  new WriteCoalescer(config.writeIntervalMs).attach(httpServer)
  const holds = new Holds()
  const io: HeraldServer = new Server(httpServer, {
    serveClient: false,
    // Subscriptions are small; refuse anything that is not one.
    maxHttpBufferSize: 64 * 1024,
    ...(adapter === undefined ? {} : { adapter: holds.wrap(adapter as never) as never }),
  })

  // Engine.IO keeps its sessions in a protected map; reading it is the one way to avoid reusing an id.
  const sessions = (io.engine as unknown as { clients: Record<string, unknown> }).clients
  const randomId = io.engine.generateId.bind(io.engine)
  io.engine.generateId = (req: IncomingMessage) =>
    sessionIdFromAffinity(req.headers[AFFINITY_HEADER], (id) => id in sessions) ?? randomId(req)

  const recoveries = new RecoveryTally()
  const refusals = new RefusalTally()
  const countRefusal = (code: ErrorCode, caller: RefusedCaller): void => refusals.add(code, caller)
  io.use(
    admitSockets({
      verifier,
      slots,
      socketsPerSubject: config.socketsPerSubjectLimit,
      socketsPerAddress: config.socketsPerAddressLimit,
      onRefused: countRefusal,
    }),
  )
  const deliverable = (record: ConsumedRecord): boolean =>
    poisonReason(record, config.maxRecordBytes) === undefined
  const subscribers = new Map<string, SubscriptionSession>()
  const resyncLimit = createWorkLimit(RESYNC_CONCURRENCY)
  const outboundQueues = new Map<string, Readonly<OutboundQueue>>()
  const instanceQueued: QueuedOutbound = { bytes: 0, packets: 0 }
  let slowConsumersCut = 0
  const cut = (socket: HeraldSocket, atLimit: QueuedOutbound, why: string): void => {
    slowConsumersCut += 1
    logger.warn({ socket: socket.id, subject: socket.data.grant?.subject, ...atLimit }, why)
    socket.emit('slow_consumer', slowConsumerNotice(atLimit, config.outbound))
    closeSlowConnection(socket.conn, config.outbound.closeGraceMs)
  }

  const pressure = new DeliveryPressure(
    { queuedBytes: () => instanceQueued.bytes, redisPending },
    config.pressure,
    {
      onPause: (cause) => {
        logger.warn(
          { cause, queuedBytes: instanceQueued.bytes, redisPending: redisPending(), lag: lag() },
          'behind: sockets or Redis cannot keep up; fetching from Kafka waits',
        )
        if (cause === 'outbound') cutWhoHoldsThePause(pressure.totals.pauses)
      },
      onResume: (pausedMs) =>
        logger.info({ pausedMs, lag: lag() }, 'delivering again; catching up from Kafka'),
    },
  )
  // Sockets that read nothing for a whole grace while the instance waits for them hold back every
  // other socket: they are cut (and dropped, their queue with them) so that the rest goes on.
  const cutWhoHoldsThePause = (pause: number): void => {
    const since = Date.now()
    setTimeout(() => {
      if (pressure.cause !== 'outbound' || pressure.totals.pauses !== pause) return
      for (const [id, queued] of outboundQueues) {
        const socket = io.sockets.sockets.get(id)
        if (socket === undefined || queued.bytes === 0 || queued.flushedAt >= since) continue
        cut(
          socket,
          { bytes: queued.bytes, packets: queued.packets },
          'stalled socket holds the instance back: closing its connection',
        )
        socket.conn.close(true)
      }
    }, config.outbound.closeGraceMs).unref()
  }

  io.on('connection', (socket) => {
    const queued = watchOutbound(socket.conn, config.outbound, instanceQueued, (atLimit) =>
      cut(socket, atLimit, 'slow consumer: closing its connection'),
    )
    const session = registerSubscriptionHandlers(socket, {
      ...catchUp,
      deliverable,
      holds,
      maxTopics: config.maxTopicsPerSocket,
      operationsLimit: config.subscribesPerSocketLimit,
      operationsWindowMs: config.subscribesWindowMs,
      verifier,
      tokenExpiryNoticeMs: config.tokenExpiryNoticeMs,
      resyncLimit,
      onRecovery: (recovery) => recoveries.add(recovery),
      onRefused: countRefusal,
      whenRoom: roomOnConnection(socket.conn, queued, config.outbound),
      logger,
    })
    subscribers.set(socket.id, session)
    outboundQueues.set(socket.id, queued)
    socket.on('disconnect', () => {
      subscribers.delete(socket.id)
      outboundQueues.delete(socket.id)
    })
  })

  // Socket.IO answers /socket.io/ itself; everything else is health or 404.
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/socket.io/')) return
    const path = req.url?.split('?', 1)[0]
    if (path === '/healthz') {
      return json(res, 200, {
        status: 'ok',
        instance: config.instance,
        node: process.version,
        access: config.access.open ? 'open' : 'tokens',
        ...(config.access.open ? { warning: OPEN_ACCESS_WARNING } : {}),
        connections: io.engine.clientsCount,
        topics: consumedTopics(),
        deadLetters: deadLetters.counts,
        outbound: { ...outboundTotals(outboundQueues.values()), slowConsumersCut },
        delivery: deliveryState(),
      })
    }
    if (path === '/metrics') {
      metrics.render().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (error: unknown) => {
          logger.error({ err: error }, 'could not render the metrics')
          json(res, 500, {
            error: { code: 'internal_error', message: 'could not render the metrics' },
          })
        },
      )
      return
    }
    if (path === '/readyz') {
      const checks = readiness()
      const ready = Object.values(checks).every(Boolean)
      // Behind is no reason to take the instance out: its sockets are served, late, and no other
      // instance may read its partitions meanwhile.
      return json(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not_ready',
        instance: config.instance,
        ...checks,
        delivery: deliveryState(),
      })
    }
    json(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } })
  })

  const deliveryState = () => {
    const lagRecords = lag()
    const paused = pressure.cause
    return {
      behind: paused !== undefined || lagRecords >= config.behindLagRecords,
      lagRecords,
      paused: paused ?? null,
      ...pressure.totals,
    }
  }

  let recordsConsumed = 0
  let recordsBroadcast = 0
  let recordsBroadcastHereOnly = 0
  const consumerMetrics = createConsumerMetrics(metrics, {
    recordsConsumed: () => recordsConsumed,
    recordsBroadcast: () => recordsBroadcast,
    recordsBroadcastHereOnly: () => recordsBroadcastHereOnly,
    deadLettered: () => deadLetters.counts,
    deliveries: () => holds.delivered,
    sockets: () => io.engine.clientsCount,
    subscriptions: () => subscriptionCount(io),
    lagRecords: lag,
    groupLagRecords: groupLag,
    paused: () => pressure.cause !== undefined,
    pauses: () => pressure.totals.pauses,
    pausedSeconds: () => pressure.totals.pausedMs / 1000,
    slowConsumersCut: () => slowConsumersCut,
    rebalances: () => rebalances().joins,
    rebalancingSeconds: () => rebalances().rebalancingMs / 1000,
    recoveries: () => recoveries.byOutcome,
    recordsReplayed: () => recoveries.replayed,
    refusals: () => refusals.counts(),
  })
  // A line per record is for following notifications (LOG_LEVEL=debug), not for every day: the
  // level is looked at once, so that a record costs nothing when it is off.
  const logBroadcasts = logger.isLevelEnabled('debug')
  const deliverNow = (record: ConsumedRecord): void | Promise<void> => {
    const reason = poisonReason(record, config.maxRecordBytes)
    if (reason !== undefined) return deadLetters.send(record, reason)
    const rooms = roomsForRecord(record.topic, record.key)
    if (othersWatch(rooms)) {
      io.to(rooms).emit('notification', toNotification(record))
    } else {
      io.local.to(rooms).emit('notification', toNotification(record))
      recordsBroadcastHereOnly += 1
    }
    recordsBroadcast += 1
    consumerMetrics.broadcastAfter(record.timestamp)
    if (logBroadcasts) {
      const { requestId, topic, partition, offset } = record
      logger.debug({ requestId, topic, partition, offset }, 'broadcast')
    }
  }
  // The subscriber fetches no more while a delivery waits: the backlog stays in Kafka.
  const deliver = (record: ConsumedRecord): void | Promise<void> => {
    recordsConsumed += 1
    const room = pressure.wait()
    return room === undefined ? deliverNow(record) : room.then(() => deliverNow(record))
  }
  const interruptBroadcasts = (): void => {
    if (holds.interrupted) return
    logger.warn(
      { sockets: subscribers.size },
      'broadcasts interrupted; sockets will be resynchronised',
    )
    holds.interrupt()
  }
  const resumeBroadcasts = (): void => {
    if (!holds.interrupted) return
    // Every socket is held before broadcasts flow again, in this tick: none gets one early.
    for (const id of subscribers.keys()) holds.hold(id)
    const reached = holds.resume()
    logger.info(
      { sockets: subscribers.size },
      'broadcasts resumed; resynchronising sockets from Kafka',
    )
    for (const session of subscribers.values()) session.resync(reached)
  }
  const stopWaiting = (): void => pressure.release()
  const instanceStatus = (): OwnStatus => {
    const { behind, lagRecords, paused } = deliveryState()
    const held = heldPartitions()
    return {
      role: 'consumer',
      ready: Object.values(readiness()).every(Boolean),
      connections: io.engine.clientsCount,
      subscriptions: subscriptionCount(io),
      topics: consumedTopics(),
      partitions: held.length,
      lagRecords,
      paused,
      behind,
      deadLetters: deadLetters.counts.not_utf8 + deadLetters.counts.too_large,
      slowConsumersCut,
      held,
    }
  }
  return {
    httpServer,
    io,
    deliver,
    interruptBroadcasts,
    resumeBroadcasts,
    stopWaiting,
    instanceStatus,
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

/** Rooms joined by the sockets of this instance, each socket's own room left out. */
function subscriptionCount(io: HeraldServer): number {
  let rooms = 0
  for (const joined of io.of('/').adapter.sids.values()) rooms += joined.size - 1
  return rooms
}
