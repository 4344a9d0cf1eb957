// HERALD_WRITE_INTERVAL_MS on the real stack: with each connection's writes held for up to the
// interval, WebSocket and long-polling sessions on both consumers and through nginx still
// connect, subscribe and get every record once and in order — a burst (several records per
// interval, one write), then a single record after the burst has been delivered.

import { describe, expect, it } from 'vitest'

import { postAccepted } from '../support/http.js'
import { connectSubscriber, subscribe, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: { HERALD_WRITE_INTERVAL_MS: '100' },
})

const consumerUrls = (): string[] =>
  stack()
    .instances.filter((i) => i.kind === 'consumer')
    .map((i) => i.url)

describe('a write interval', () => {
  it('delivers every record once and in order to WebSocket and polling sessions on both consumers', async () => {
    const topic = uniqueTopic('write-interval')
    const entries = [...consumerUrls(), stack().url]
    const sockets = await Promise.all(
      entries.flatMap((url) =>
        (['websocket', 'polling'] as const).map((transport) =>
          connectSubscriber(url, { transports: [transport] }),
        ),
      ),
    )
    for (const socket of sockets) {
      expect(await subscribe(socket, [topic])).toMatchObject({ ok: true, topics: [topic] })
    }

    // Posted at once: the records reach the consumers within one interval, many to a write.
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => postAccepted(stack().url, { topic, message: i })),
    )
    const expected = burst.map(({ offset }) => BigInt(offset)).sort((a, b) => (a < b ? -1 : 1))
    for (const socket of sockets) await waitForMessages(socket, topic, burst.length)
    const last = await postAccepted(stack().url, { topic, message: 'after the burst' })
    expected.push(BigInt(last.offset))

    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, expected.length)
      expect(received.map(({ offset }) => BigInt(offset))).toEqual(expected)
    }
  })
})
