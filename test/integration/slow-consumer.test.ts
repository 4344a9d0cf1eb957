// A subscriber that stops reading while its topic keeps receiving: the consumer cuts it with
// `slow_consumer` instead of queueing everything for it, what it holds for any socket stays under
// the limit, another socket on the same topic gets everything, and the cut one catches up from
// Kafka once it reads. (The consumer's RSS moves by tens of MB with garbage collection alone over
// a run like this, so the bound is checked on what the consumer queues; the soak measures RSS.)

import type { Socket as NetSocket } from 'node:net'
import { describe, expect, it } from 'vitest'

import { getJson, postAccepted } from '../support/http.js'
import {
  connectSubscriber,
  eventReceived,
  type OkAck,
  positionsAfter,
  subscribeRaw,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const MAX_QUEUED_BYTES = 1024 * 1024
const stack = useTestStack({
  producers: 1,
  consumers: 1,
  serviceEnv: { HERALD_SOCKET_MAX_QUEUED_BYTES: String(MAX_QUEUED_BYTES) },
})

const RECORDS = 300
const MESSAGE = 'x'.repeat(60 * 1024)

const consumer = () => {
  const instance = stack().instances.find((i) => i.kind === 'consumer')
  if (instance === undefined) throw new Error('no consumer in the stack')
  return instance
}

interface Outbound {
  queuedBytes: number
  largestQueuedBytes: number
  slowConsumersCut: number
}
const outbound = async (): Promise<Outbound> =>
  (await getJson<{ outbound: Outbound }>(`${consumer().url}/healthz`)).body.outbound

/** The TCP connection under a Node socket.io-client's WebSocket transport. */
const tcpOf = (socket: Subscriber): NetSocket =>
  (socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket

/** A cut socket closes, reconnects on its own, and subscribes again from where it stopped. */
async function resubscribeAfterCut(socket: Subscriber, topic: string, ack: OkAck): Promise<void> {
  await waitUntil(() => socket.events.some((e) => e.name === 'disconnect'), {
    timeoutMs: 40_000,
    what: 'the cut connection to close',
  })
  expect(socket.events.find((e) => e.name === 'disconnect')?.args[0]).toBe('transport close')
  await waitUntil(() => socket.connected, { what: 'the client to reconnect on its own' })
  const resumed = await subscribeRaw(socket, [topic], positionsAfter(ack, socket.received))
  expect(resumed.recovery?.[topic]).toMatchObject({ status: 'recovered' })
}

describe('sockets that stop reading', () => {
  it('are cut with slow_consumer, hold no more than the limit, and recover from Kafka', async () => {
    const topic = uniqueTopic('slow')
    const healthy = await connectSubscriber(consumer().url)
    // One reads again as soon as it is cut; the other not before the consumer dropped it.
    const reader = await connectSubscriber(consumer().url)
    const silent = await connectSubscriber(consumer().url)
    await subscribeRaw(healthy, [topic])
    const readerAck = await subscribeRaw(reader, [topic])
    const silentAck = await subscribeRaw(silent, [topic])

    let largestQueued = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling)
        largestQueued = Math.max(largestQueued, (await outbound()).largestQueuedBytes)
    })()
    tcpOf(reader).pause()
    tcpOf(silent).pause()
    const accepted: string[] = []
    const publishing = (async () => {
      for (let i = 0; i < RECORDS; i += 1)
        accepted.push((await postAccepted(stack().url, { topic, message: MESSAGE })).offset)
    })()
    try {
      await waitUntil(async () => (await outbound()).slowConsumersCut === 2, {
        timeoutMs: 30_000,
        what: 'the consumer to cut both stalled sockets',
      })
      // Read again within the grace: what was queued, then the notice, then the close.
      tcpOf(reader).resume()
      const notice = await eventReceived<{ code: string; message: string }>(reader, 'slow_consumer')
      expect(notice.code).toBe('slow_consumer')
      expect(notice.message).toMatch(/reconnect and subscribe with your positions/)
      await resubscribeAfterCut(reader, topic, readerAck)
      // The silent one is dropped after the grace: only the healthy socket and the reader remain.
      await waitUntil(
        async () =>
          (await getJson<{ connections: number }>(`${consumer().url}/healthz`)).body.connections ===
          2,
        {
          timeoutMs: 15_000,
          what: 'the consumer to drop the socket that never read',
        },
      )
      await publishing
      // One client's stall costs the others nothing: the healthy socket has every record.
      await waitForMessages(healthy, topic, RECORDS, 30_000)
    } finally {
      sampling = false
      await sampler
      await publishing
    }
    // Without the cut the consumer queued for each stalled socket what its kernel would not take.
    expect(largestQueued).toBeGreaterThan(0)
    expect(largestQueued).toBeLessThanOrEqual(MAX_QUEUED_BYTES + 2 * MESSAGE.length)
    expect(healthy.received.map((n) => n.offset)).toEqual(accepted)

    tcpOf(silent).resume()
    await resubscribeAfterCut(silent, topic, silentAck)
    expect(silent.events.some((e) => e.name === 'slow_consumer')).toBe(false)
    for (const socket of [reader, silent]) {
      await waitForMessages(socket, topic, RECORDS, 30_000)
      // Every record once, in order: what it read before the cut, then the replay, then live.
      expect(socket.received.map((n) => n.offset)).toEqual(accepted)
    }
  })
})
