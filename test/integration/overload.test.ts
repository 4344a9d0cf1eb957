// A consumer whose sockets all take less than it is sent: it stops fetching instead of queueing,
// says it is behind, and once they read again delivers everything, late, once and in order, with
// no socket cut. A socket that reads nothing for a whole grace while the instance waits for it is
// cut, so that one client cannot hold the others back.

import type { Socket as NetSocket } from 'node:net'
import { describe, expect, it } from 'vitest'

import { getJson, postAccepted } from '../support/http.js'
import {
  connectSubscriber,
  subscribeRaw,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const SOCKET_MAX_QUEUED_BYTES = 1024 * 1024
const INSTANCE_MAX_QUEUED_BYTES = 2 * SOCKET_MAX_QUEUED_BYTES
const GRACE_MS = 20_000
const stack = useTestStack({
  producers: 1,
  consumers: 1,
  serviceEnv: {
    HERALD_SOCKET_MAX_QUEUED_BYTES: String(SOCKET_MAX_QUEUED_BYTES),
    HERALD_CONSUMER_MAX_QUEUED_BYTES: String(INSTANCE_MAX_QUEUED_BYTES),
    HERALD_SLOW_CONSUMER_GRACE_MS: String(GRACE_MS),
  },
})

const MESSAGE = 'x'.repeat(60 * 1024)
/** Far more than the kernel's buffers and the instance's limit take together. */
const MAX_RECORDS = 600
const POLL_MS = 50

const consumerUrl = (): string => {
  const instance = stack().instances.find((i) => i.kind === 'consumer')
  if (instance === undefined) throw new Error('no consumer in the stack')
  return instance.url
}

interface Delivery {
  behind: boolean
  lagRecords: number
  paused: string | null
  pauses: number
}
const readiness = async () =>
  (await getJson<{ status: string; delivery: Delivery }>(`${consumerUrl()}/readyz`)).body
const health = async () =>
  (
    await getJson<{
      connections: number
      outbound: { queuedBytes: number; slowConsumersCut: number }
      delivery: Delivery
    }>(`${consumerUrl()}/healthz`)
  ).body

/** The TCP connection under a Node socket.io-client's WebSocket transport. */
const tcpOf = (socket: Subscriber): NetSocket =>
  (socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket

async function subscribers(count: number, topic: string): Promise<Subscriber[]> {
  const sockets: Subscriber[] = []
  for (let i = 0; i < count; i += 1) {
    const socket = await connectSubscriber(consumerUrl())
    await subscribeRaw(socket, [topic])
    sockets.push(socket)
  }
  return sockets
}

type Health = Awaited<ReturnType<typeof health>>

/**
 * Publishes one record at a time while the consumer delivers, and waits while it is paused, until
 * `done` holds; returns the offsets accepted and the health that ended it. Sockets take a few MB
 * into the kernel's buffers before they hold anything in the instance, so a pause can end as soon
 * as it began; only records offered while the consumer delivers fill those buffers for good. How
 * long the sockets are held thus depends on the consumer, never on how fast POSTs are answered.
 */
async function publishWhileDelivering(
  topic: string,
  done: (health: Health) => boolean,
  timeoutMs: number,
): Promise<{ accepted: string[]; health: Health }> {
  const accepted: string[] = []
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const now = await health()
    if (done(now)) return { accepted, health: now }
    if (accepted.length === MAX_RECORDS || Date.now() > deadline)
      throw new Error(`not done after ${accepted.length} records: ${JSON.stringify(now)}`)
    if (now.delivery.paused === null) {
      // One key: one partition, so every socket must get the offsets in this order.
      const { offset } = await postAccepted(stack().url, { topic, key: 'k', message: MESSAGE })
      accepted.push(offset)
    } else await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

describe('a consumer whose sockets cannot keep up', () => {
  it('stops fetching, says it is behind, then delivers everything once, in order', async () => {
    const topic = uniqueTopic('overload')
    const sockets = await subscribers(8, topic)
    for (const socket of sockets) tcpOf(socket).pause()

    const { accepted, health: paused } = await publishWhileDelivering(
      topic,
      ({ delivery, outbound }) => delivery.paused === 'outbound' && outbound.queuedBytes > 0,
      30_000,
    )
    // Behind, and why: the record in hand waits, undelivered.
    expect(paused.delivery.behind).toBe(true)
    expect(paused.delivery.lagRecords).toBeGreaterThan(0)
    // The limit is looked at before each record, which then goes to every socket.
    expect(paused.outbound.queuedBytes).toBeLessThanOrEqual(
      INSTANCE_MAX_QUEUED_BYTES + sockets.length * (MESSAGE.length + 1024),
    )
    // Still ready: its sockets are served, late.
    expect((await readiness()).status).toBe('ready')

    for (const socket of sockets) tcpOf(socket).resume()
    for (const socket of sockets) {
      await waitForMessages(socket, topic, accepted.length, 60_000)
      expect(socket.received.map((n) => n.offset)).toEqual(accepted)
      expect(socket.events.map((e) => e.name)).not.toContain('slow_consumer')
      expect(socket.events.map((e) => e.name)).not.toContain('disconnect')
    }
    const after = await waitUntil(
      async () => {
        const { delivery } = await readiness()
        return delivery.behind ? false : delivery
      },
      { timeoutMs: 10_000, what: '/readyz to say the consumer caught up' },
    )
    expect(after).toMatchObject({ paused: null, lagRecords: 0 })
    expect(after.pauses).toBeGreaterThan(0)
    expect((await health()).outbound.slowConsumersCut).toBe(0)
  })

  it('cuts sockets that read nothing for a whole grace while the instance waits for them', async () => {
    const topic = uniqueTopic('overload-stall')
    const [reading] = await subscribers(1, topic)
    if (reading === undefined) throw new Error('no socket')
    // Each stays under its own limit; together they hold the instance's pause.
    const stalled = await subscribers(4, topic)
    for (const socket of stalled) tcpOf(socket).pause()
    const before = await health()
    const cutBefore = before.outbound.slowConsumersCut
    const { accepted } = await publishWhileDelivering(
      topic,
      ({ outbound }) => outbound.slowConsumersCut >= cutBefore + stalled.length,
      GRACE_MS + 30_000,
    )
    expect((await health()).delivery.pauses).toBeGreaterThan(before.delivery.pauses)
    // After the grace the stalled sockets are dropped and the one that reads gets everything.
    await waitForMessages(reading, topic, accepted.length, 20_000)
    expect(reading.received.map((n) => n.offset)).toEqual(accepted)
    expect((await health()).outbound.slowConsumersCut).toBe(cutBefore + stalled.length)
    // A client that reads again finds its connection closed (and would reconnect and recover).
    for (const socket of stalled) {
      tcpOf(socket).resume()
      await waitUntil(() => socket.events.some((e) => e.name === 'disconnect'), {
        timeoutMs: 10_000,
        what: 'the stalled socket to be dropped',
      })
    }
  })
})
