// The consumer's servers: one HTTP server for health and Socket.IO. Takes its dependencies, never
// listens and never reads env.

import type { ClientToServerEvents, ServerToClientEvents } from '@herald/shared'
import type { ConsumedRecord } from '@herald/shared/kafka'
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http'
import { Server, type ServerOptions } from 'socket.io'

import type { ConsumerConfig } from './config.js'
import { toNotification } from './record-decoding.js'
import { AFFINITY_HEADER, sessionIdFromAffinity } from './session-id.js'
import { registerSubscriptionHandlers } from './socket-handlers.js'

export type HeraldServer = Server<ClientToServerEvents, ServerToClientEvents>

export interface ConsumerAppDeps {
  config: Pick<ConsumerConfig, 'instance' | 'maxTopicsPerSocket'>
  /** Whether each dependency (Kafka group, Redis) is connected, for /readyz. */
  readiness: () => Record<string, boolean>
  /** Socket.IO options from main: the Redis adapter above all. */
  ioOptions?: Partial<ServerOptions>
}

export interface ConsumerApp {
  httpServer: HttpServer
  io: HeraldServer
  /** Emits one record to the room of its topic, on every instance through the adapter. */
  broadcast: (record: ConsumedRecord) => void
}

export function createConsumerApp({
  config,
  readiness,
  ioOptions = {},
}: ConsumerAppDeps): ConsumerApp {
  const httpServer = createServer()
  const io: HeraldServer = new Server(httpServer, {
    serveClient: false,
    // Subscriptions are small; refuse anything that is not one.
    maxHttpBufferSize: 64 * 1024,
    ...ioOptions,
  })

  // Engine.IO keeps its sessions in a protected map; reading it is the one way to avoid reusing an id.
  const sessions = (io.engine as unknown as { clients: Record<string, unknown> }).clients
  const randomId = io.engine.generateId.bind(io.engine)
  io.engine.generateId = (req: IncomingMessage) =>
    sessionIdFromAffinity(req.headers[AFFINITY_HEADER], (id) => id in sessions) ?? randomId(req)

  io.on('connection', (socket) => registerSubscriptionHandlers(socket, config.maxTopicsPerSocket))

  // Socket.IO answers /socket.io/ itself; everything else is health or 404.
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/socket.io/')) return
    const path = req.url?.split('?', 1)[0]
    if (path === '/healthz') {
      return json(res, 200, {
        status: 'ok',
        instance: config.instance,
        connections: io.engine.clientsCount,
      })
    }
    if (path === '/readyz') {
      const checks = readiness()
      const ready = Object.values(checks).every(Boolean)
      return json(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not_ready',
        instance: config.instance,
        ...checks,
      })
    }
    json(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } })
  })

  const broadcast = (record: ConsumedRecord): void => {
    io.to(record.topic).emit('notification', toNotification(record))
  }
  return { httpServer, io, broadcast }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}
