// Redis SIGKILLed mid-stream (the stack starts it again, as compose would): broadcasts between
// consumers break for a moment, and every socket, on every consumer, still gets every record once
// and in order — replayed from Kafka, with a `resync` verdict saying so.

import type { ResyncNotice } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { postAccepted } from '../support/http.js'
import { connectSubscriber, subscribe, type Subscriber } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 1, consumers: 2 })

const consumerUrls = (): string[] =>
  stack()
    .instances.filter((i) => i.kind === 'consumer')
    .map((i) => i.url)

const offsetsReceived = (socket: Subscriber, topic: string): string[] =>
  socket.received.filter((n) => n.topic === topic).map((n) => n.offset)

describe('a Redis restart', () => {
  it('loses nothing and repeats nothing at sockets on every consumer', async () => {
    const topic = uniqueTopic('redis-restart')
    const accepted: string[] = []
    const publish = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i += 1) {
        accepted.push((await postAccepted(stack().url, { topic, message: accepted.length })).offset)
      }
    }
    const sockets = await Promise.all(consumerUrls().map((url) => connectSubscriber(url)))
    // Subscribed before the topic's first record: every record of it is due at both sockets.
    for (const socket of sockets) await subscribe(socket, { topics: [topic] })
    await publish(30)

    stack().supervisor.signal('redis', 'SIGKILL')
    // Records published while Redis is away and while the consumers reconnect to it.
    await publish(30)
    await stack().supervisor.waitReady('redis', 30_000)
    await publish(30)

    // A sentinel after everything: any copy of an earlier record still on its way is in by then.
    await publish(1)
    const expected = accepted
    const sentinel = expected.at(-1)
    for (const socket of sockets) {
      await waitUntil(() => offsetsReceived(socket, topic).includes(sentinel as string), {
        timeoutMs: 30_000,
        what: `the sentinel at a socket (${offsetsReceived(socket, topic).length} of ${expected.length} in)`,
      })
    }
    for (const socket of sockets) {
      const received = offsetsReceived(socket, topic)
      // Every record once, in order: a gap, a repeat or a swap each fails here.
      expect(received).toEqual(expected)
      const resyncs = socket.events.filter((e) => e.name === 'resync')
      expect(resyncs.length).toBeGreaterThan(0)
      const notice = resyncs[0]?.args[0] as ResyncNotice
      expect(notice.reason).toBe('broadcast_interrupted')
      expect(notice.recovery[topic]).toMatchObject({ status: 'recovered' })
      expect(socket.connected).toBe(true)
    }
  })
})
