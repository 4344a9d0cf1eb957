// Keyed streams on the real stack: `<topic>#<key>` delivers one key of a topic, once, in order,
// beside plain topics and patterns on the same socket; recovers after a disconnect and across a
// consumer's SIGKILL; reads a key's history page by page. The stack scans at most 1,000 offsets
// for a key, so the bound is reached with a few thousand records.

import type { Notification, Position, PublishReceipt, SubscriptionAck } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { createTopic, getJson, postAccepted } from '../support/http.js'
import {
  connectSubscriber,
  positionsAfter,
  subscribe,
  subscribeRaw,
  waitForMessages,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const KEY_SCAN_LIMIT = 1000
const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: { HERALD_KEY_SCAN_LIMIT: String(KEY_SCAN_LIMIT) },
})

const post = (topic: string, message: unknown, key?: string): Promise<PublishReceipt> =>
  postAccepted(stack().url, { topic, message, ...(key === undefined ? {} : { key }) })

/** The offsets of notifications or receipts (of one partition). */
const offsets = (items: readonly { offset: string }[]) => items.map((item) => item.offset)

interface BatchAnswer {
  failed: number
  results: PublishReceipt[]
}

/** Posts notifications 1,000 at a time; each must be stored. */
async function postMany(
  items: readonly { topic: string; message: unknown; key?: string }[],
): Promise<PublishReceipt[]> {
  const receipts: PublishReceipt[] = []
  for (let at = 0; at < items.length; at += 1000) {
    const answer = await getJson<BatchAnswer>(`${stack().url}/notify/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items.slice(at, at + 1000)),
    })
    if (answer.status !== 200 || answer.body.failed !== 0) {
      throw new Error(`batch answered ${answer.status}: ${JSON.stringify(answer.body)}`)
    }
    receipts.push(...answer.body.results)
  }
  return receipts
}

interface KeyedPage {
  topic: string
  key: string
  messages: Notification[]
  next: Position
  scanned: { partition: number; from: string; to: string; limited: boolean } | null
}

async function keyedHistory(topic: string, query: string): Promise<KeyedPage> {
  const answer = await getJson<KeyedPage>(
    `${stack().url}/topics/${encodeURIComponent(topic)}/messages?${query}`,
  )
  expect(answer.status).toBe(200)
  return answer.body
}

describe('keyed streams', () => {
  it("delivers only the key's records, each once and in order", async () => {
    const topic = uniqueTopic('keyed')
    await post(topic, 'exists')
    const socket = await connectSubscriber(stack().url)
    expect(await subscribe(socket, [`${topic}#user-1`])).toMatchObject({
      ok: true,
      topics: [`${topic}#user-1`],
    })
    const mine: PublishReceipt[] = []
    for (let i = 0; i < 20; i += 1) {
      const key = i % 3 === 0 ? 'user-1' : i % 3 === 1 ? 'user-2' : undefined
      const receipt = await post(topic, { i }, key)
      if (key === 'user-1') mine.push(receipt)
    }
    // A last record of the key, after all the others: once it is in, nothing else is on its way.
    mine.push(await post(topic, 'last', 'user-1'))
    const received = await waitForMessages(socket, topic, mine.length)
    await waitUntil(() => received.some((n) => n.message === 'last'))
    expect(offsets(socket.received)).toEqual(offsets(mine))
    expect(socket.received.every((n) => n.key === 'user-1')).toBe(true)
  })

  it('gives a socket watching a topic, one of its keys and a pattern matching it each record once', async () => {
    const prefix = uniqueTopic('mixed')
    const topic = `${prefix}.orders`
    // The topic is created by the first record below, after the subscription: every record of
    // it is expected.
    const socket = await connectSubscriber(stack().url)
    await subscribe(socket, [topic, `${topic}#k`, `${prefix}.*`])
    const receipts = [
      await post(topic, 1, 'k'),
      await post(topic, 2, 'other'),
      await post(topic, 3),
      await post(topic, 4, 'k'),
    ]
    await waitForMessages(socket, topic, receipts.length)
    const sentinel = await post(topic, 'sentinel', 'k')
    await waitUntil(() => socket.received.some((n) => n.offset === sentinel.offset))
    expect(offsets(socket.received)).toEqual(offsets([...receipts, sentinel]))
  })

  it('replays what a keyed subscriber missed while away, only its key, in order', async () => {
    const topic = uniqueTopic('keyed-recovery')
    await post(topic, 'exists')
    const socket = await connectSubscriber(stack().url)
    socket.topics.clear()
    const entry = `${topic}#k`
    const first = (await socket.timeout(10_000).emitWithAck('subscribe', {
      topics: [entry],
    })) as SubscriptionAck
    if (!first.ok) throw new Error(first.error.message)
    expect(first.recovery).toEqual({ [entry]: { status: 'new', replayed: 0 } })
    const live = await post(topic, 'live', 'k')
    await waitUntil(() => socket.received.some((n) => n.offset === live.offset))
    socket.disconnect()

    const missed: PublishReceipt[] = []
    for (let i = 0; i < 10; i += 1) {
      const receipt = await post(topic, { i }, i % 2 === 0 ? 'k' : 'not-k')
      if (i % 2 === 0) missed.push(receipt)
    }
    const positions: Record<string, Position> = {
      [topic]: { [String(live.partition)]: (BigInt(live.offset) + 1n).toString() },
    }
    socket.received.length = 0
    socket.connect()
    await waitUntil(() => socket.connected, { what: 'the reconnection' })
    const again = (await socket
      .timeout(10_000)
      .emitWithAck('subscribe', { topics: [entry], positions })) as SubscriptionAck
    expect(again).toMatchObject({
      ok: true,
      recovery: { [entry]: { status: 'recovered', replayed: missed.length } },
    })
    expect(offsets(socket.received)).toEqual(offsets(missed))
  })

  it('recovers a keyed stream through the other consumer when its own is killed', async () => {
    const topic = uniqueTopic('keyed-failover')
    await createTopic(stack().url, topic, 3)
    const socket = await connectSubscriber(stack().url)
    socket.topics.clear()
    const entry = `${topic}#user-7`
    const first = await subscribeRaw(socket, [entry])
    const consumers = stack().instances.filter((i) => i.kind === 'consumer')
    const counts = await Promise.all(
      consumers.map(
        async (c) => (await getJson<{ connections: number }>(`${c.url}/healthz`)).body.connections,
      ),
    )
    const holder = consumers[counts.findIndex((count) => count > 0)]
    expect(holder).toBeDefined()

    stack().supervisor.signal(holder?.name as string, 'SIGKILL')
    await waitUntil(() => !socket.connected, { what: 'the disconnect' })
    const items = Array.from({ length: 60 }, (_, i) => ({
      topic,
      message: { i },
      key: i % 4 === 0 ? 'user-7' : `user-${i % 5}`,
    }))
    const receipts = await postMany(items)
    const missed = receipts.filter((_, i) => items[i]?.key === 'user-7')

    await waitUntil(() => socket.connected, {
      timeoutMs: 20_000,
      what: 'a reconnection through nginx',
    })
    const again = await subscribeRaw(socket, [entry], positionsAfter(first, socket.received))
    expect(again.recovery).toEqual({ [entry]: { status: 'recovered', replayed: missed.length } })
    expect(socket.received.map((n) => n.key)).toEqual(missed.map(() => 'user-7'))
    expect(offsets(socket.received)).toEqual(offsets(missed))
    await stack().supervisor.waitReady(holder?.name as string, 60_000)
  })

  it("replays only the latest scan's worth of a keyed stream far behind, and says so", async () => {
    const topic = uniqueTopic('keyed-far-behind')
    const [start] = await postMany([{ topic, message: 'first', key: 'k' }])
    const others = Array.from({ length: KEY_SCAN_LIMIT + 200 }, (_, i) => ({
      topic,
      message: { i },
      key: i === KEY_SCAN_LIMIT ? 'k' : `other-${i % 50}`,
    }))
    await postMany(others)
    const socket = await connectSubscriber(stack().url)
    socket.topics.clear()
    const entry = `${topic}#k`
    // Behind since the first record: 1,201 offsets to scan, 1,000 allowed.
    const ack = await subscribeRaw(socket, [entry], { [topic]: { '0': start?.offset as string } })
    expect(ack.recovery).toEqual({
      [entry]: { status: 'not_recovered', replayed: 1, reason: 'scan_limit' },
    })
    expect(socket.received.map((n) => n.message)).toEqual([{ i: KEY_SCAN_LIMIT }])
  })

  it.each([
    ['an empty key', (topic: string) => `${topic}#`],
    ['no topic', () => '#x'],
    ['a key over 1,024 characters', (topic: string) => `${topic}#${'k'.repeat(1025)}`],
  ])('refuses a keyed stream with %s', async (_case, entryFor) => {
    const socket = await connectSubscriber(stack().url)
    expect(await subscribe(socket, [entryFor(uniqueTopic('bad'))])).toMatchObject({
      ok: false,
      error: { code: 'invalid_topic' },
    })
  })
})

describe('keyed history', () => {
  it("pages through one key's records of its partition, saying how far each page looked", async () => {
    const topic = uniqueTopic('keyed-history')
    await createTopic(stack().url, topic, 3)
    const items = Array.from({ length: 40 }, (_, i) => ({
      topic,
      message: { i },
      key: i % 8 === 3 ? 'order-9' : `order-${i % 7}`,
    }))
    const receipts = await postMany(items)
    const mine = receipts.filter((_, i) => items[i]?.key === 'order-9')
    expect(mine).toHaveLength(5)
    const partition = mine[0]?.partition as number
    const end = receipts.filter((r) => r.partition === partition).length

    const latest = await keyedHistory(topic, 'key=order-9&limit=2')
    expect(latest.key).toBe('order-9')
    expect(offsets(latest.messages)).toEqual(offsets(mine.slice(-2)))
    expect(latest.messages.every((n) => n.key === 'order-9')).toBe(true)
    expect(latest.next).toEqual({ [String(partition)]: String(end) })
    expect(latest.scanned).toMatchObject({ partition, to: String(end), limited: false })

    const pages: Notification[][] = []
    let since = `${partition}:0`
    for (;;) {
      const page = await keyedHistory(topic, `key=order-9&limit=2&since=${since}`)
      expect(page.scanned).toMatchObject({ partition, limited: false })
      if (page.messages.length === 0) {
        expect(page.next).toEqual({ [String(partition)]: String(end) })
        break
      }
      pages.push(page.messages)
      since = `${partition}:${page.next[String(partition)] as string}`
      expect(pages.length).toBeLessThanOrEqual(3)
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1])
    expect(offsets(pages.flat())).toEqual(offsets(mine))
  })

  it('stops a scan at its bound, says so, and pages on from where it stopped', async () => {
    const topic = uniqueTopic('keyed-history-far')
    const items = [
      { topic, message: 'oldest', key: 'rare' },
      ...Array.from({ length: KEY_SCAN_LIMIT + 500 }, (_, i) => ({
        topic,
        message: { i },
        key: `other-${i % 50}`,
      })),
    ]
    await postMany(items)
    const end = String(items.length)

    const latest = await keyedHistory(topic, 'key=rare')
    expect(latest.messages).toEqual([])
    expect(latest.scanned).toEqual({
      partition: 0,
      from: String(items.length - KEY_SCAN_LIMIT),
      to: end,
      limited: true,
    })

    const first = await keyedHistory(topic, 'key=rare&since=0:0&limit=5')
    expect(first.messages.map((n) => n.message)).toEqual(['oldest'])
    expect(first.scanned).toEqual({
      partition: 0,
      from: '0',
      to: String(KEY_SCAN_LIMIT),
      limited: true,
    })
    expect(first.next).toEqual({ '0': String(KEY_SCAN_LIMIT) })
    const rest = await keyedHistory(topic, `key=rare&since=0:${KEY_SCAN_LIMIT}&limit=5`)
    expect(rest.messages).toEqual([])
    expect(rest.scanned).toEqual({
      partition: 0,
      from: String(KEY_SCAN_LIMIT),
      to: end,
      limited: false,
    })
  })

  it('answers an unknown topic with nothing scanned, and a bad key with 400 invalid_key', async () => {
    const unknown = await keyedHistory(uniqueTopic('keyed-none'), 'key=k')
    expect(unknown).toMatchObject({ messages: [], next: {}, scanned: null })
    for (const query of ['key=', `key=${'k'.repeat(1025)}`, 'key=a&key=b']) {
      const answer = await getJson(`${stack().url}/topics/t/messages?${query}`)
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ error: { code: 'invalid_key' } })
    }
  })
})
