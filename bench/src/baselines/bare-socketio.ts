// The fan-out ceiling: Socket.IO alone in one process — a room per topic, the in-memory adapter,
// no Kafka, no Redis. `POST /notify` emits straight to the room; `subscribe` joins rooms and acks
// as herald does, so the same subscribers and the same publisher run against both.

import {
  parseSubscription,
  type ClientToServerEvents,
  type Notification,
  type ServerToClientEvents,
} from '@herald/shared'
import { createServer, type Server as HttpServer } from 'node:http'
import { Server, type ServerOptions } from 'socket.io'

import { createNotifyApp } from './notify-app.js'

export interface BareSocketIo {
  httpServer: HttpServer
  io: Server<ClientToServerEvents, ServerToClientEvents>
}

export function createBareSocketIo(options: Partial<ServerOptions> = {}): BareSocketIo {
  let offset = 0n
  const app = createNotifyApp(({ topic, message, key }) => {
    const notification: Notification = {
      topic,
      partition: 0,
      offset: String(offset++),
      timestamp: Date.now(),
      key: key ?? null,
      message,
      requestId: null,
    }
    io.to(topic).emit('notification', notification)
    const { key: _key, message: _message, ...receipt } = notification
    return Promise.resolve(receipt)
  })
  const httpServer = createServer(app)
  const io: BareSocketIo['io'] = new Server(httpServer, { serveClient: false, ...options })
  io.on('connection', (socket) => {
    socket.on('subscribe', (payload, ack) => {
      // A client may emit without an ack callback.
      const reply: typeof ack = typeof ack === 'function' ? ack : () => undefined
      const parsed = parseSubscription(payload)
      if (!parsed.ok) return reply(parsed)
      void Promise.resolve(socket.join(parsed.request.entries)).then(() =>
        reply({ ok: true, topics: [...socket.rooms].filter((room) => room !== socket.id).sort() }),
      )
    })
  })
  return { httpServer, io }
}
