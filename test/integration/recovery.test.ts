// Delivery you can trust, on the real stack: catch-up from Kafka after a disconnect, with a
// verdict; patterns; new topics at once; order under concurrent producers; poison records.

import type { Notification, NotifyBatchAnswer, PublishReceipt } from '@herald/shared'
import {
  consumeWithKafkaTools,
  createTopicWithKafkaTools,
  deleteRecordsWithKafkaTools,
  produceWithKafkaTools,
} from '@herald/stack'
import { describe, expect, it } from 'vitest'

import { readerOf } from '../support/group.js'
import { getJson, postAccepted } from '../support/http.js'
import { writeRawRecords } from '../support/kafka-writer.js'
import {
  connectSubscriber,
  positionsAfter,
  subscribeRaw,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 2, consumers: 2 })

const post = (topic: string, message: unknown, key?: string): Promise<PublishReceipt> =>
  postAccepted(stack().url, { topic, message, ...(key ? { key } : {}) })

const ids = (notifications: Notification[]): string[] =>
  notifications.map((n) => `${n.partition}:${n.offset}`)

/** Connects through nginx and subscribes without the helper's automatic re-subscription. */
async function freshSubscriber(): Promise<Subscriber> {
  const socket = await connectSubscriber(stack().url)
  socket.topics.clear()
  return socket
}

describe('recovery after a disconnect', () => {
  it('replays what a client missed while offline for 10 s, in order, without duplicates', async () => {
    const topic = uniqueTopic('offline')
    await post(topic, 'exists')
    const socket = await freshSubscriber()
    const first = await subscribeRaw(socket, [topic])
    expect(first.recovery).toEqual({ [topic]: { status: 'new', replayed: 0 } })
    const live = await post(topic, 'seen live', 'k')
    await waitUntil(() =>
      socket.received.some((n) => n.offset === live.offset && n.partition === live.partition),
    )

    socket.disconnect()
    const offlineSince = Date.now()
    const missed: PublishReceipt[] = []
    for (let i = 0; i < 12; i++)
      missed.push(await post(topic, { missed: i }, i % 2 ? 'k' : 'other'))
    // Offline for 10 s in all, as a laptop lid closed for a moment.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - offlineSince))),
    )

    const before = socket.received.length
    socket.connect()
    await waitUntil(() => socket.connected, { what: 'the reconnection' })
    const again = await subscribeRaw(socket, [topic], positionsAfter(first, socket.received))
    expect(again.recovery).toEqual({ [topic]: { status: 'recovered', replayed: missed.length } })

    const replayed = socket.received.slice(before)
    expect(new Set(ids(replayed))).toEqual(
      new Set(ids(missed.map((r) => ({ ...r, key: null, message: null, requestId: null })))),
    )
    expect(ids(socket.received)).toHaveLength(new Set(ids(socket.received)).size)
    for (const partition of new Set(replayed.map((n) => n.partition))) {
      const offsets = replayed.filter((n) => n.partition === partition).map((n) => Number(n.offset))
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    }
    // Live delivery resumes right after the catch-up.
    const after = await post(topic, 'after', 'k')
    await waitUntil(() =>
      socket.received.some((n) => n.offset === after.offset && n.partition === after.partition),
    )
  })

  it('tells a client whose position is older than the retention, and replays what is left', async () => {
    const topic = uniqueTopic('expired')
    const target = { distribution: stack().kafka, brokers: stack().kafkaBrokers }
    await createTopicWithKafkaTools(target, topic, 1)
    for (let i = 0; i < 6; i++) await post(topic, i)
    // Retention removed the first four records.
    await deleteRecordsWithKafkaTools(target, topic, 0, 4, stack().dataDir)

    const socket = await freshSubscriber()
    const ack = await subscribeRaw(socket, [topic], { [topic]: { '0': '1' } })
    expect(ack.recovery).toEqual({
      [topic]: { status: 'not_recovered', replayed: 2, reason: 'position_expired' },
    })
    expect(socket.received.map((n) => n.message)).toEqual([4, 5])
  })

  it('tells a client whose position is not in the topic at all', async () => {
    const topic = uniqueTopic('unknown-position')
    await post(topic, 'only one')
    const socket = await freshSubscriber()
    const ack = await subscribeRaw(socket, [topic], {
      [topic]: { '0': '50', '1': '50', '2': '50' },
    })
    expect(ack.recovery?.[topic]).toMatchObject({
      status: 'not_recovered',
      reason: 'unknown_position',
    })
  })

  it('recovers through another instance when the one a client was on is killed', async () => {
    const topic = uniqueTopic('failover')
    await post(topic, 'exists')
    // The socket must be on the instance that reads the topic: killing it makes the group hand
    // the partition over, and its new reader broadcast again from the last commit.
    const reader = await readerOf(stack(), topic)
    const readerUrl = stack().instances.find((i) => i.name === reader)?.url as string
    const connections = async (): Promise<number> =>
      (await getJson<{ connections: number }>(`${readerUrl}/healthz`)).body.connections
    let socket: Subscriber | undefined
    // nginx picks an instance at random; 40 misses in a row would happen 1 time in 2^40.
    for (let i = 0; i < 40 && socket === undefined; i++) {
      await waitUntil(async () => (await connections()) === 0, { what: 'no socket on the reader' })
      const candidate = await freshSubscriber()
      if ((await connections()) > 0) socket = candidate
      else candidate.close()
    }
    if (socket === undefined) throw new Error(`no socket landed on ${reader}`)
    const first = await subscribeRaw(socket, [topic])

    stack().supervisor.signal(reader, 'SIGKILL')
    await waitUntil(() => !socket.connected, { what: 'the disconnect' })
    const missed: PublishReceipt[] = []
    for (let i = 0; i < 5; i++) missed.push(await post(topic, { whileDown: i }, 'k'))

    await waitUntil(() => socket.connected, {
      timeoutMs: 20_000,
      what: 'a reconnection through nginx',
    })
    const before = socket.received.length
    const again = await subscribeRaw(socket, [topic], positionsAfter(first, socket.received))
    expect(again.recovery?.[topic]).toEqual({ status: 'recovered', replayed: 5 })
    expect(socket.received.slice(before).map((n) => n.offset)).toEqual(missed.map((r) => r.offset))

    // The group hands the partition over only after the session timeout, and its new reader
    // broadcasts the replayed records again from the last commit: a sentinel after them shows
    // whether any copy reached the socket.
    const sentinel = await post(topic, 'sentinel', 'k')
    await waitUntil(() => socket.received.some((n) => n.offset === sentinel.offset), {
      timeoutMs: 40_000,
      what: 'the sentinel after the failover',
    })
    expect(socket.received.slice(before).map((n) => n.offset)).toEqual(
      [...missed, sentinel].map((r) => r.offset),
    )
    await stack().supervisor.waitReady(reader, 60_000)
  })
})

describe('a catch-up under live traffic', () => {
  it('gives records published during the replay once, in order, through the Redis adapter', async () => {
    const topic = uniqueTopic('catch-up-live')
    const message = 'x'.repeat(2048)
    const backlog: PublishReceipt[] = [await post(topic, message, 'k')]
    // The socket is on the instance that does not read the partition: what is published during
    // its catch-up reaches it through Redis, from the other instance.
    const reader = await readerOf(stack(), topic)
    const other = stack().instances.find((i) => i.kind === 'consumer' && i.name !== reader)
    for (let i = 1; i < 3000; i += 50) {
      const batch = Array.from({ length: 50 }, () => ({ topic, message, key: 'k' }))
      const answer = await getJson<NotifyBatchAnswer>(`${stack().url}/notify/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      })
      for (const result of answer.body.results) if ('offset' in result) backlog.push(result)
    }
    const socket = await connectSubscriber(other?.url as string)

    let publishing = true
    const live: PublishReceipt[] = []
    const publisher = (async () => {
      while (publishing && live.length < 500)
        live.push(await post(topic, { live: live.length }, 'k'))
    })()
    const subscribedAt = Date.now()
    const ack = await subscribeRaw(socket, [topic], { [topic]: { '0': '0' } })
    const ackedAt = Date.now()
    const duringCatchUp = live.filter((r) => r.timestamp >= subscribedAt && r.timestamp <= ackedAt)
    publishing = false
    await publisher
    expect(ack.recovery?.[topic]?.status).toBe('recovered')
    // The point of the test: records were published while the replay ran.
    expect(duringCatchUp.length).toBeGreaterThan(0)

    const expected = [...backlog, ...live].map((r) => r.offset)
    await waitForMessages(socket, topic, expected.length, 30_000)
    // Every record once, in offset order: the replay, the held live records, then live.
    expect(socket.received.map((n) => n.offset)).toEqual(expected)
  })
})

describe('patterns', () => {
  it('delivers topics matching a pattern, including topics created after the subscription', async () => {
    const prefix = uniqueTopic('pattern')
    const socket = await freshSubscriber()
    const ack = await subscribeRaw(socket, [`${prefix}.*`])
    expect(ack.topics).toEqual([`${prefix}.*`])
    const receipts = [await post(`${prefix}.eu`, 'eu'), await post(`${prefix}.us.east`, 'us')]
    await post(`${prefix}x.other`, 'not matching')
    const received = await waitForMessages(socket, `${prefix}.eu`, 1, 20_000)
    expect(received[0]?.message).toBe('eu')
    await waitForMessages(socket, `${prefix}.us.east`, 1, 20_000)
    expect(socket.received.map((n) => n.topic).sort()).toEqual(receipts.map((r) => r.topic).sort())
  })

  it('replays to a pattern the topics created while the client was away, from their start', async () => {
    const prefix = uniqueTopic('away')
    await post(`${prefix}.old`, 'old 1', 'k')
    const before = await freshSubscriber()
    const ack = await subscribeRaw(before, [`${prefix}.*`])
    expect(Object.keys(ack.positions ?? {})).toEqual([`${prefix}.old`])
    before.close()

    const missed = [
      await post(`${prefix}.old`, 'old 2', 'k'),
      await post(`${prefix}.new`, 'new 1', 'k'),
      await post(`${prefix}.new`, 'new 2', 'k'),
    ]
    const back = await freshSubscriber()
    const resumed = await subscribeRaw(back, [`${prefix}.*`], positionsAfter(ack, before.received))
    expect(resumed.recovery?.[`${prefix}.*`]).toMatchObject({ status: 'recovered', replayed: 3 })
    // All of it before the ack: what was missed of the old topic and the new one whole.
    const idOf = (n: { topic: string; partition: number; offset: string }): string =>
      `${n.topic}/${n.partition}/${n.offset}`
    expect(back.received.map(idOf).sort()).toEqual(missed.map(idOf).sort())
    expect(back.received.filter((n) => n.topic === `${prefix}.new`).map((n) => n.message)).toEqual([
      'new 1',
      'new 2',
    ])
  })
})

describe('new topics', () => {
  it('delivers a burst of 100 records over 20 brand-new topics, each exactly once', async () => {
    const prefix = uniqueTopic('burst20')
    const socket = await freshSubscriber()
    await subscribeRaw(socket, [`${prefix}.*`])
    const topics = Array.from({ length: 20 }, (_, i) => `${prefix}.t${i}`)
    const receipts = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(topics[i % 20] as string, { i })),
    )
    await waitUntil(() => socket.received.length >= 100, {
      timeoutMs: 30_000,
      what: '100 notifications',
    })
    const key = (n: { topic: string; partition: number; offset: string }) =>
      `${n.topic}/${n.partition}/${n.offset}`
    expect(new Set(socket.received.map(key))).toEqual(new Set(receipts.map(key)))
    // A sentinel on a topic that existed before proves nothing more was on its way.
    const sentinel = await post(topics[0] as string, 'sentinel')
    await waitUntil(() => socket.received.some((n) => key(n) === key(sentinel)))
    expect(socket.received).toHaveLength(101)
  })
})

describe('order', () => {
  it('brings 300 records with one key from concurrent producers in offset order', async () => {
    const topic = uniqueTopic('one-key')
    await post(topic, 'exists', 'the-key')
    const socket = await freshSubscriber()
    await subscribeRaw(socket, [topic])
    let next = 0
    const receipts: PublishReceipt[] = []
    const sender = async (): Promise<void> => {
      while (next < 300) receipts.push(await post(topic, { n: next++ }, 'the-key'))
    }
    await Promise.all(Array.from({ length: 10 }, sender))
    expect(new Set(receipts.map((r) => r.partition)).size).toBe(1)
    // The topic's first record may arrive too (the topic was new when the socket subscribed): it
    // is not one of the 300, and counting it would stop the wait one record short.
    const ordered = () => socket.received.filter((n) => n.message !== 'exists')
    await waitUntil(() => ordered().length >= 300, {
      timeoutMs: 30_000,
      what: '300 notifications',
    })
    const offsets = ordered().map((n) => Number(n.offset))
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    expect(new Set(offsets)).toEqual(new Set(receipts.map((r) => Number(r.offset))))
  })
})

describe('poison records', () => {
  it('dead-letters records that are too large or not UTF-8, counts them, and keeps the partition moving', async () => {
    const topic = uniqueTopic('poison')
    const target = { distribution: stack().kafka, brokers: stack().kafkaBrokers }
    const consumers = stack().instances.filter((i) => i.kind === 'consumer')
    const health = () =>
      Promise.all(
        consumers.map(
          async (c) =>
            (
              await getJson<{ topics: number; deadLetters: Record<string, number> }>(
                `${c.url}/healthz`,
              )
            ).body,
        ),
      )
    const topicsBefore = (await health()).map((h) => h.topics)
    await createTopicWithKafkaTools(target, topic, 1)
    // Every consumer reads the new topic before the poison is written: a rebalance meanwhile
    // could hand a record to a second consumer (at-least-once) and dead-letter it twice.
    await waitUntil(
      async () => (await health()).every((h, i) => h.topics > (topicsBefore[i] ?? 0)),
      {
        what: 'both consumers to read the new topic',
      },
    )
    const socket = await freshSubscriber()
    await subscribeRaw(socket, [topic])

    await produceWithKafkaTools(target, topic, [{ key: 'k', value: 'x'.repeat(300 * 1024) }])
    await writeRawRecords(stack().kafkaBrokers, topic, [Buffer.from([0xff, 0xfe, 0x00, 0x81])])
    await produceWithKafkaTools(target, topic, [{ key: 'k', value: '"after the poison"' }])

    const [delivered] = await waitForMessages(socket, topic, 1, 20_000)
    expect(delivered).toMatchObject({ offset: '2', message: 'after the poison' })

    const letters = await consumeWithKafkaTools(target, 'herald.dead-letters', 2)
    expect(letters.map((l) => l.key)).toEqual(['k', 'raw'])
    // Each says why, and where it came from.
    expect(letters.map((l) => l.headers)).toEqual([
      {
        'herald-reason': 'too_large',
        'herald-topic': topic,
        'herald-partition': '0',
        'herald-offset': '0',
      },
      {
        'herald-reason': 'not_utf8',
        'herald-topic': topic,
        'herald-partition': '0',
        'herald-offset': '1',
      },
    ])
    expect(letters[0]?.value).toBe('x'.repeat(300 * 1024))
    const counts = await Promise.all(
      stack()
        .instances.filter((i) => i.kind === 'consumer')
        .map(
          async (c) =>
            (await getJson<{ deadLetters: Record<string, number> }>(`${c.url}/healthz`)).body
              .deadLetters,
        ),
    )
    expect(counts.reduce((sum, c) => sum + (c.too_large ?? 0), 0)).toBe(1)
    expect(counts.reduce((sum, c) => sum + (c.not_utf8 ?? 0), 0)).toBe(1)
    // The replay skips them too.
    const replayer = await freshSubscriber()
    const ack = await subscribeRaw(replayer, [topic], { [topic]: { '0': '0' } })
    expect(ack.recovery?.[topic]).toEqual({ status: 'recovered', replayed: 1 })
  })
})
