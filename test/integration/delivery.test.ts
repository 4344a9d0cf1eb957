// From POST (or any Kafka client) to every subscriber, on the real stack: 2 producers, 2 consumers.

import type { PublishReceipt } from '@herald/shared'
import { createTopicWithKafkaTools, produceWithKafkaTools } from '@herald/stack'
import { describe, expect, it } from 'vitest'

import { createTopic, getJson, postNotify } from '../support/http.js'
import { writeRawRecords } from '../support/kafka-writer.js'
import {
  connectSubscriber,
  subscribe,
  subscribeRaw,
  unsubscribe,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { waitUntil } from '../support/wait.js'
import { uniqueTopic } from '../support/topics.js'

const stack = useTestStack({ producers: 2, consumers: 2 })

const consumerUrls = (): string[] =>
  stack()
    .instances.filter((i) => i.kind === 'consumer')
    .map((i) => i.url)

/** One subscriber on each consumer instance directly, and one through nginx. */
async function subscribersEverywhere(topic: string): Promise<Subscriber[]> {
  const sockets = await Promise.all(
    [...consumerUrls(), stack().url].map((url) => connectSubscriber(url)),
  )
  for (const socket of sockets)
    expect(await subscribe(socket, { topics: [topic] })).toMatchObject({
      ok: true,
      topics: [topic],
    })
  return sockets
}

describe('delivery', () => {
  it('brings each POST to subscribers on every consumer instance exactly once and in order', async () => {
    const topic = uniqueTopic('fanout')
    const sockets = await subscribersEverywhere(topic)

    const receipts: PublishReceipt[] = []
    const requestIds: (string | null)[] = []
    for (let i = 0; i < 40; i++) {
      const answer = await postNotify<PublishReceipt>(stack().url, {
        topic,
        message: { seq: i },
        key: 'one-key',
      })
      expect(answer.status).toBe(202)
      receipts.push(answer.body)
      requestIds.push(answer.headers.get('x-request-id'))
    }
    // Same key, same partition: the last record arriving means every earlier one had its chance.
    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, receipts.length)
      expect(received.map((n) => n.message)).toEqual(receipts.map((_, i) => ({ seq: i })))
      expect(received.map((n) => n.offset)).toEqual(receipts.map((r) => r.offset))
      expect(received.map((n) => n.requestId)).toEqual(requestIds)
      expect(received[0]).toEqual({
        ...receipts[0],
        key: 'one-key',
        message: { seq: 0 },
        requestId: requestIds[0],
      })
    }
    const sentinel = await postNotify<PublishReceipt>(stack().url, {
      topic,
      message: 'end',
      key: 'one-key',
    })
    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, receipts.length + 1)
      expect(received.at(-1)?.offset).toBe(sentinel.body.offset)
      expect(received).toHaveLength(receipts.length + 1)
    }
  })

  it('brings unkeyed notifications one publisher posts one after another to a new topic in that order', async () => {
    const topic = uniqueTopic('unkeyed-order')
    const sockets = await subscribersEverywhere(topic)
    const sent: number[] = []
    for (let i = 0; i < 500; i++) {
      const answer = await postNotify(stack().url, { topic, message: i })
      expect(answer.status).toBe(202)
      sent.push(i)
    }
    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, sent.length)
      expect(received.map((n) => n.message)).toEqual(sent)
    }
  })

  it('delivers unkeyed records over several partitions once each, in offset order per partition', async () => {
    const topic = uniqueTopic('unkeyed')
    await createTopic(stack().url, topic, 3)
    const [socket] = (await subscribersEverywhere(topic)) as [Subscriber]
    const receipts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        postNotify<PublishReceipt>(stack().url, { topic, message: i }),
      ),
    )
    const received = await waitForMessages(socket, topic, receipts.length)
    const ids = (n: { partition: number; offset: string }): string => `${n.partition}:${n.offset}`
    expect(new Set(received.map(ids))).toEqual(new Set(receipts.map((r) => ids(r.body))))
    for (const partition of new Set(received.map((n) => n.partition))) {
      const offsets = received.filter((n) => n.partition === partition).map((n) => Number(n.offset))
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    }
  })

  it('delivers records that another Kafka client wrote to a topic created after the consumers started, non-JSON as text', async () => {
    const topic = uniqueTopic('foreign')
    const sockets = await subscribersEverywhere(topic)
    const target = { distribution: stack().kafka, brokers: stack().kafkaBrokers }
    await createTopicWithKafkaTools(target, topic, 2)
    await produceWithKafkaTools(target, topic, [
      { key: 'k', value: 'plain text, not JSON' },
      { key: 'k', value: '{"from":"console-producer"}' },
    ])
    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, 2, 20_000)
      expect(received.map((n) => [n.key, n.message])).toEqual([
        ['k', 'plain text, not JSON'],
        ['k', { from: 'console-producer' }],
      ])
    }
    // The consumers survived the foreign records and keep delivering.
    await postNotify(stack().url, { topic, message: 'after', key: 'k' })
    expect((await waitForMessages(sockets[0] as Subscriber, topic, 3)).at(-1)?.message).toBe(
      'after',
    )
  })

  it('delivers a tombstone (a record with no value) as null, live and in a replay', async () => {
    const topic = uniqueTopic('tombstone')
    const sockets = await subscribersEverywhere(topic)
    const target = { distribution: stack().kafka, brokers: stack().kafkaBrokers }
    await createTopicWithKafkaTools(target, topic, 1)
    await writeRawRecords(stack().kafkaBrokers, topic, [Buffer.from('"alive"'), null])
    for (const socket of sockets) {
      const received = await waitForMessages(socket, topic, 2, 20_000)
      expect(received.map((n) => [n.key, n.message])).toEqual([
        ['raw', 'alive'],
        ['raw', null],
      ])
    }
    const replayer = await connectSubscriber(stack().url)
    const ack = await subscribeRaw(replayer, [topic], { [topic]: { '0': '0' } })
    expect(ack.recovery?.[topic]).toEqual({ status: 'recovered', replayed: 2 })
    expect(replayer.received.map((n) => n.message)).toEqual(['alive', null])
  })

  it('delivers the first records of a topic that herald creates on first use', async () => {
    const topic = uniqueTopic('brand-new')
    const [socket] = (await subscribersEverywhere(topic)) as [Subscriber]
    await postNotify(stack().url, { topic, message: 'first' })
    await postNotify(stack().url, { topic, message: 'second' })
    const received = await waitForMessages(socket, topic, 2, 20_000)
    expect(received.map((n) => n.message).sort()).toEqual(['first', 'second'])
  })

  it('delivers only the topics a socket subscribed to, until it unsubscribes', async () => {
    const watched = uniqueTopic('watched')
    const other = uniqueTopic('other')
    const socket = await connectSubscriber(stack().url)
    expect(await subscribe(socket, [watched, other])).toMatchObject({
      ok: true,
      topics: [other, watched].sort(),
    })
    expect(await unsubscribe(socket, { topics: [other] })).toEqual({ ok: true, topics: [watched] })

    await postNotify(stack().url, { topic: other, message: 'not for you', key: 'k' })
    await postNotify(stack().url, { topic: watched, message: 'for you', key: 'k' })
    const probe = await connectSubscriber(stack().url)
    await subscribe(probe, [other])
    await postNotify(stack().url, { topic: other, message: 'marker', key: 'k' })
    // The probe seeing the marker on `other` means `other` was being delivered meanwhile.
    await waitUntil(() => probe.received.some((n) => n.message === 'marker'), {
      timeoutMs: 20_000,
      what: 'the marker',
    })
    await waitForMessages(socket, watched, 1, 20_000)
    expect(socket.received.map((n) => n.topic)).toEqual([watched])
  })

  it.each([
    ['an empty list', { topics: [] }, 'invalid_subscription'],
    ['no topics field', { channel: 'x' }, 'invalid_subscription'],
    ['a string', 'orders', 'invalid_subscription'],
    ['an invalid topic name', { topics: ['ok', 'not ok'] }, 'invalid_topic'],
    ['a reserved topic name', ['__consumer_offsets'], 'invalid_topic'],
  ])(
    'acks a subscribe with %s with an error and keeps the connection',
    async (_case, payload, code) => {
      const socket = await connectSubscriber(stack().url)
      const ack = (await socket.timeout(5000).emitWithAck('subscribe', payload as never)) as unknown
      expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) as string } })
      expect(socket.connected).toBe(true)
      expect(await subscribe(socket, ['still-works'])).toMatchObject({
        ok: true,
        topics: ['still-works'],
      })
    },
  )

  it('refuses more topics than a socket may watch', async () => {
    const socket = await connectSubscriber(stack().url)
    const topics = Array.from({ length: 101 }, (_, i) => `many-${i}`)
    const ack = await subscribe(socket, topics)
    expect(ack).toEqual({
      ok: false,
      error: { code: 'too_many_topics', message: expect.any(String) as string },
    })
  })

  it('runs open when the stack was given no access settings, and says so on every /healthz', async () => {
    expect(stack().open).toBe(true)
    for (const instance of stack().instances) {
      const health = await getJson<{ access: string; warning: string }>(`${instance.url}/healthz`)
      expect(health.body.access).toBe('open')
      expect(health.body.warning).toMatch(
        /^HERALD_OPEN_ACCESS=true: anyone who reaches this service/,
      )
    }
  })

  it('reports every instance healthy, on Node.js 24, and ready', async () => {
    for (const instance of stack().instances) {
      const health = await getJson<{ node: string }>(`${instance.url}/healthz`)
      expect(health.status).toBe(200)
      expect(health.body.node).toMatch(/^v24\./)
      const ready = await getJson<{ status: string }>(`${instance.url}/readyz`)
      expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } })
    }
  })
})
