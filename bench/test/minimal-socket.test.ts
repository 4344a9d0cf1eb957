// The fan-out's minimal client must see exactly what socket.io-client sees: both subscribe to the
// bare Socket.IO baseline and compare acks and notifications, with pings fast enough that a missed
// pong would drop the connection during the test.

import type { Notification, SubscriptionAck } from '@herald/shared'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createBareSocketIo, type BareSocketIo } from '../src/baselines/bare-socketio.js'
import { MinimalSocket } from '../src/eio/minimal-socket.js'

let server: BareSocketIo
let origin: string
const opened: { close(): void }[] = []

beforeEach(async () => {
  server = createBareSocketIo({ pingInterval: 50, pingTimeout: 100 })
  server.httpServer.listen(0, '127.0.0.1')
  await once(server.httpServer, 'listening')
  origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`
})

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.close()
  await server.io.close()
})

async function minimal(
  received: Notification[] = [],
  closed: string[] = [],
): Promise<MinimalSocket> {
  const socket = await MinimalSocket.connect(origin, {
    onEvent: (name, args) => {
      if (name === 'notification') received.push(args[0] as Notification)
    },
    onClose: (reason) => closed.push(reason),
  })
  opened.push(socket)
  return socket
}

async function reference(received: Notification[] = []): Promise<Socket> {
  const socket = connectClient(origin, { transports: ['websocket'], reconnection: false })
  opened.push(socket)
  socket.on('notification', (notification: Notification) => received.push(notification))
  await new Promise((resolve) => socket.once('connect', () => resolve(undefined)))
  return socket
}

async function post(topic: string, message: unknown): Promise<void> {
  const response = await fetch(`${origin}/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, message }),
  })
  expect(response.status).toBe(202)
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('MinimalSocket', () => {
  it('gets the same subscribe acks as socket.io-client, refusals included', async () => {
    const mine = await minimal()
    const theirs = await reference()
    for (const request of [{ topics: ['news', 'sport'] }, { topics: ['bad topic'] }, 42]) {
      const [myAck] = await mine.emitWithAck('subscribe', [request])
      const theirAck = (await theirs
        .timeout(5000)
        .emitWithAck('subscribe', request)) as SubscriptionAck
      expect(myAck).toEqual(theirAck)
    }
  })

  it('receives the same notifications as socket.io-client, in order', async () => {
    const mine: Notification[] = []
    const theirs: Notification[] = []
    const minimalSocket = await minimal(mine)
    const referenceSocket = await reference(theirs)
    await minimalSocket.emitWithAck('subscribe', [{ topics: ['t'] }])
    await referenceSocket.timeout(5000).emitWithAck('subscribe', { topics: ['t'] })

    const messages = [{ seq: 1, sentAt: 1.5 }, 'text with "quotes" and ☃', [1, 2, 3], true]
    for (const message of messages) await post('t', message)
    await post('other', 'not subscribed')
    await until(() => mine.length === messages.length && theirs.length === messages.length)
    expect(mine).toEqual(theirs)
    expect(mine.map((notification) => notification.message)).toEqual(messages)
  })

  it('answers pings, so the server keeps it connected past its ping timeout', async () => {
    const received: Notification[] = []
    const socket = await minimal(received)
    await socket.emitWithAck('subscribe', [['t']])
    // Ten ping intervals; without pongs the server would close it after 150 ms.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(socket.connected).toBe(true)
    await post('t', 'still here')
    await until(() => received.length === 1)
  })

  it('reports the end of a connection the server closed', async () => {
    const closed: string[] = []
    const socket = await minimal([], closed)
    server.io.disconnectSockets(true)
    await until(() => closed.length === 1)
    expect(socket.connected).toBe(false)
  })

  it('rejects when nothing answers', async () => {
    await expect(
      MinimalSocket.connect('http://127.0.0.1:1', { connectTimeoutMs: 1000 }),
    ).rejects.toThrow()
  })
})
