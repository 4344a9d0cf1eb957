// Keyed streams on the real stack: `<topic>#<key>` delivers one key of a topic, once, in order,
// beside plain topics and patterns on the same socket, and recovers after a disconnect.

import type { Position, PublishReceipt, SubscriptionAck } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { postAccepted } from '../support/http.js'
import { connectSubscriber, subscribe, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 1, consumers: 2 })

const post = (topic: string, message: unknown, key?: string): Promise<PublishReceipt> =>
  postAccepted(stack().url, { topic, message, ...(key === undefined ? {} : { key }) })

/** The offsets of notifications or receipts (one partition per topic here). */
const offsets = (items: readonly { offset: string }[]) => items.map((item) => item.offset)

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
