// nginx spreads Socket.IO connections over the consumers per connection (not per client IP), and
// keeps every request of a long-polling session on the instance that holds the session.

import type { PublishReceipt } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { getJson, postNotify } from '../support/http.js'
import {
  connectSubscriber,
  subscribe,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 2, consumers: 2 })

/** Engine.IO sessions open on each consumer instance, from its /healthz. */
async function connectionsPerConsumer(): Promise<number[]> {
  const consumers = stack().instances.filter((i) => i.kind === 'consumer')
  return Promise.all(
    consumers.map(
      async (c) => (await getJson<{ connections: number }>(`${c.url}/healthz`)).body.connections,
    ),
  )
}

describe('nginx in front of the consumers', () => {
  it('spreads connections from one client IP over every consumer instance', async () => {
    // Each connection lands on a random instance; 40 all landing on one would happen 1 time in 2^39.
    for (let i = 0; i < 40; i++) {
      await connectSubscriber(stack().url)
      if ((await connectionsPerConsumer()).every((count) => count > 0)) break
    }
    expect((await connectionsPerConsumer()).every((count) => count > 0)).toBe(true)
  })

  it('keeps long-polling sessions on their instance: they connect, subscribe and receive', async () => {
    const topic = uniqueTopic('polling')
    const sockets: Subscriber[] = []
    const errors: string[] = []
    // Counted from none: the sessions of earlier tests are closed.
    await waitUntil(async () => (await connectionsPerConsumer()).every((count) => count === 0), {
      what: 'no sessions left from earlier tests',
    })
    // At least 8 sessions, and on both instances: without stickiness half the requests would miss
    // theirs. Each lands on a random instance; 40 all on one would happen 1 time in 2^39.
    for (let i = 0; i < 40; i++) {
      const socket = await connectSubscriber(stack().url, { transports: ['polling'] })
      socket.on('disconnect', (reason) => errors.push(`disconnect: ${reason}`))
      socket.on('connect_error', (error) => errors.push(`connect_error: ${error.message}`))
      expect(await subscribe(socket, [topic])).toMatchObject({ ok: true, topics: [topic] })
      sockets.push(socket)
      if (i >= 7 && (await connectionsPerConsumer()).every((count) => count > 0)) break
    }
    expect((await connectionsPerConsumer()).every((count) => count > 0)).toBe(true)

    const receipts: PublishReceipt[] = []
    for (let i = 0; i < 5; i++) {
      receipts.push(
        (await postNotify<PublishReceipt>(stack().url, { topic, message: i, key: 'k' })).body,
      )
    }
    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, receipts.length, 20_000)
      expect(received.map((n) => n.offset)).toEqual(receipts.map((r) => r.offset))
    }
    expect(errors).toEqual([])
  })

  it('upgrades a polling session to WebSocket on the same instance', async () => {
    const topic = uniqueTopic('upgrade')
    const socket = await connectSubscriber(stack().url, { transports: ['polling', 'websocket'] })
    await waitUntilUpgraded(socket)
    await subscribe(socket, [topic])
    await postNotify(stack().url, { topic, message: 'over websocket' })
    expect((await waitForMessages(socket, topic, 1, 20_000))[0]?.message).toBe('over websocket')
  })
})

async function waitUntilUpgraded(socket: Subscriber): Promise<void> {
  await waitUntil(() => socket.io.engine.transport.name === 'websocket', {
    what: 'the WebSocket upgrade',
  })
}
