// The fan-out workers' two phases against a real Socket.IO server (the bare baseline, which
// acks subscriptions as herald does): connected sockets join no room until subscribed.

import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createBareSocketIo, type BareSocketIo } from '../../src/baselines/bare-socketio.js'
import {
  connectSockets,
  subscribeAll,
  type SubscriberPool,
  type SubscriberPoolConfig,
} from '../../src/fanout/subscriber-pool.js'

let server: BareSocketIo
let origin: string
const pools: SubscriberPool[] = []
const handlers = { onEvent: () => undefined, onClose: () => undefined }

beforeEach(async () => {
  server = createBareSocketIo()
  server.httpServer.listen(0, '127.0.0.1')
  await once(server.httpServer, 'listening')
  origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`
})

afterEach(async () => {
  for (const pool of pools.splice(0)) for (const socket of pool.sockets) socket.close()
  await server.io.close()
})

const config = (overrides: Partial<SubscriberPoolConfig> = {}): SubscriberPoolConfig => ({
  origins: [origin],
  sockets: 6,
  topic: 'orders',
  connectConcurrency: 4,
  connectTimeoutMs: 5000,
  ...overrides,
})

async function connected(overrides: Partial<SubscriberPoolConfig> = {}): Promise<SubscriberPool> {
  const pool = await connectSockets(config(overrides), handlers)
  pools.push(pool)
  return pool
}

describe('subscriber pool', () => {
  it('connects every socket idle, then subscribes them all to the topic', async () => {
    const pool = await connected()
    expect([pool.connected, pool.failed, pool.sockets.length]).toEqual([6, 0, 6])
    expect(await server.io.in('orders').fetchSockets()).toHaveLength(0)

    const subscribed = await subscribeAll(pool, 'orders', 4)
    expect([subscribed.connected, subscribed.failed]).toEqual([6, 0])
    expect(await server.io.in('orders').fetchSockets()).toHaveLength(6)
  })

  it('counts a refused subscription as failed, with the server’s answer', async () => {
    const pool = await connected({ sockets: 2 })
    const subscribed = await subscribeAll(pool, 'not a topic!', 4)
    expect([subscribed.connected, subscribed.failed]).toEqual([0, 2])
    expect(subscribed.firstError).toMatch(/subscribe refused/)
  })

  it('counts a connection that fails, with its error, and connects the others', async () => {
    const closed = createBareSocketIo()
    closed.httpServer.listen(0, '127.0.0.1')
    await once(closed.httpServer, 'listening')
    const deadOrigin = `http://127.0.0.1:${(closed.httpServer.address() as AddressInfo).port}`
    await closed.io.close()
    const pool = await connected({ origins: [origin, deadOrigin], sockets: 4 })
    expect([pool.connected, pool.failed]).toEqual([2, 2])
    expect(pool.firstError).toBeDefined()
  })
})
