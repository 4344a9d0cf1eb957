// The topics API through nginx: list, create, history and position, with their errors.

import type {
  BatchItemResult,
  ErrorBody,
  Notification,
  NotifyBatchAnswer,
  Position,
  PublishReceipt,
} from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { createTopic, getJson, postAccepted } from '../support/http.js'
import { writeTimedRecords } from '../support/kafka-writer.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const stack = useTestStack({ producers: 2, consumers: 1 })

interface Messages {
  topic: string
  messages: Notification[]
  next: Position
}

const post = (topic: string, message: unknown, key = 'k'): Promise<PublishReceipt> =>
  postAccepted(stack().url, { topic, message, key })

function postJson(path: string, body: unknown) {
  return getJson<unknown>(`${stack().url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

const expectError = (answer: { status: number; body: unknown }, status: number, code: string) => {
  expect(answer.status).toBe(status)
  expect((answer.body as ErrorBody).error.code).toBe(code)
}

describe('topics', () => {
  it('creates a topic with its partition count, lists it, and refuses to create it twice', async () => {
    const name = uniqueTopic('created')
    expect(await postJson('/topics', { name, partitions: 4 })).toMatchObject({
      status: 201,
      body: { name, partitions: 4 },
    })
    const list = await getJson<{ topics: { name: string; partitions: number }[] }>(
      `${stack().url}/topics`,
    )
    expect(list.status).toBe(200)
    expect(list.body.topics).toContainEqual({ name, partitions: 4 })
    expectError(await postJson('/topics', { name }), 409, 'topic_exists')
  })

  it('lists topics created by POST /notify with one partition, the default that keeps them in order', async () => {
    const topic = uniqueTopic('by-notify')
    await post(topic, 1)
    const list = await getJson<{ topics: { name: string; partitions: number }[] }>(
      `${stack().url}/topics`,
    )
    expect(list.body.topics).toContainEqual({ name: topic, partitions: 1 })
  })

  it.each<[string, unknown, number, string]>([
    ['a bad name', { name: 'no spaces' }, 400, 'invalid_topic'],
    ['no name', { partitions: 2 }, 400, 'invalid_topic'],
    ['zero partitions', { name: 'x-zero', partitions: 0 }, 400, 'invalid_partitions'],
    ['a fractional count', { name: 'x-frac', partitions: 1.5 }, 400, 'invalid_partitions'],
    ['more partitions than the cap', { name: 'x-many', partitions: 17 }, 400, 'invalid_partitions'],
    ['an unknown field', { name: 'x-extra', replicas: 3 }, 400, 'invalid_body'],
    ['an array', ['x'], 400, 'invalid_body'],
  ])('refuses to create a topic with %s', async (_case, body, status, code) => {
    expectError(await postJson('/topics', body), status, code)
  })

  it('answers a batch to 1,000 new topics item by item; resending what was not stored stores every one', async () => {
    const prefix = uniqueTopic('batch1000')
    let pending = Array.from({ length: 1000 }, (_, i) => ({
      topic: `${prefix}.t${i}`,
      message: { i },
    }))
    const stored = new Map<string, PublishReceipt>()
    // Kafka readies new partitions at a bounded rate; what it could not take in time is answered
    // 503 item by item, and a client resends those.
    for (let round = 0; pending.length > 0 && round < 10; round += 1) {
      const answer = await postJson('/notify/batch', pending)
      expect(answer.status).toBe(200)
      const { results, accepted } = answer.body as NotifyBatchAnswer
      expect(results).toHaveLength(pending.length)
      expect(accepted).toBeGreaterThan(0)
      const next: typeof pending = []
      results.forEach((result, index) => {
        const item = pending[index] as (typeof pending)[number]
        if (result.status === 202)
          stored.set(item.topic, result as BatchItemResult & PublishReceipt)
        else {
          expect(result).toMatchObject({ status: 503, error: { code: 'kafka_unavailable' } })
          next.push(item)
        }
      })
      pending = next
    }
    expect(pending).toEqual([])
    expect(stored.size).toBe(1000)
    const list = await getJson<{ topics: { name: string; partitions: number }[] }>(
      `${stack().url}/topics`,
    )
    const made = list.body.topics.filter(({ name }) => name.startsWith(`${prefix}.`))
    expect(made).toHaveLength(1000)
    // Every item is in its topic: the last one, say, whose history holds it (a 503 means "not
    // confirmed", so an item answered 503 may be there twice after its resend).
    const last = await getJson<Messages>(
      `${stack().url}/topics/${encodeURIComponent(`${prefix}.t999`)}/messages`,
    )
    expect(last.body.messages.map((n) => n.message)).toContainEqual({ i: 999 })
  })

  it('answers 405 to other methods', async () => {
    expectError(
      await getJson(`${stack().url}/topics`, { method: 'DELETE' }),
      405,
      'method_not_allowed',
    )
  })
})

describe('history and position', () => {
  it('gives the latest messages oldest first, then pages forward from a position', async () => {
    const topic = uniqueTopic('history')
    const receipts: PublishReceipt[] = []
    for (let i = 0; i < 8; i++) receipts.push(await post(topic, { i }))

    const latest = await getJson<Messages>(`${stack().url}/topics/${topic}/messages?limit=3`)
    expect(latest.status).toBe(200)
    expect(latest.body.messages.map((m) => m.message)).toEqual([{ i: 5 }, { i: 6 }, { i: 7 }])
    expect(latest.body.messages[0]).toMatchObject({
      topic,
      key: 'k',
      partition: receipts[5]?.partition,
    })

    const position = await getJson<{ position: Position; since: string }>(
      `${stack().url}/topics/${topic}/position`,
    )
    expect(position.body.position[String(receipts[0]?.partition)]).toBe('8')

    const fromStart = await getJson<Messages>(
      `${stack().url}/topics/${topic}/messages?since=${encodeURIComponent('0:0,1:0,2:0')}&limit=5`,
    )
    expect(fromStart.body.messages.map((m) => m.message)).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ i })),
    )
    const page2 = await getJson<Messages>(
      `${stack().url}/topics/${topic}/messages?since=${Object.entries(fromStart.body.next)
        .map(([p, o]) => `${p}:${o}`)
        .join(',')}&limit=5`,
    )
    expect(page2.body.messages.map((m) => m.message)).toEqual([5, 6, 7].map((i) => ({ i })))

    // The position, then a page from it: the polling fallback sees exactly what came after.
    await post(topic, 'after the position')
    const tail = await getJson<Messages>(
      `${stack().url}/topics/${topic}/messages?since=${position.body.since}`,
    )
    expect(tail.body.messages.map((m) => m.message)).toEqual(['after the position'])
  })

  it('pages to the end with every offset once when record times go backwards in a partition', async () => {
    const topic = uniqueTopic('history-skew')
    await createTopic(stack().url, topic, 3)
    // What concurrent producers with clocks apart write: within a partition, a later offset can
    // carry an earlier time.
    const base = Date.now()
    const written = Array.from({ length: 30 }, (_, i) => ({
      partition: i % 3,
      timestamp: base + (i % 4 === 1 ? -1000 * i : 100 * i),
      value: { i },
    }))
    await writeTimedRecords(stack().kafkaBrokers, topic, written)

    const seen: string[] = []
    let since = '0:0,1:0,2:0'
    for (let page = 0; page < 30; page += 1) {
      const answer = await getJson<Messages>(
        `${stack().url}/topics/${topic}/messages?since=${encodeURIComponent(since)}&limit=4`,
      )
      expect(answer.status).toBe(200)
      if (answer.body.messages.length === 0) break
      seen.push(...answer.body.messages.map((m) => `${m.partition}:${m.offset}`))
      since = Object.entries(answer.body.next)
        .map(([p, o]) => `${p}:${o}`)
        .join(',')
    }
    const expected = [0, 1, 2].flatMap((partition) =>
      Array.from({ length: 10 }, (_, offset) => `${partition}:${offset}`),
    )
    expect([...seen].sort()).toEqual([...expected].sort())
    for (const partition of [0, 1, 2]) {
      const offsets = seen.filter((id) => id.startsWith(`${partition}:`)).map((id) => id.slice(2))
      expect(offsets).toEqual(Array.from({ length: 10 }, (_, offset) => String(offset)))
    }
  })

  it('defaults to 50 messages', async () => {
    const topic = uniqueTopic('default-limit')
    await Promise.all(Array.from({ length: 60 }, (_, i) => post(topic, i, `k${i % 3}`)))
    const page = await getJson<Messages>(`${stack().url}/topics/${topic}/messages`)
    expect(page.body.messages).toHaveLength(50)
  })

  it('answers an unknown topic with an empty history and position', async () => {
    const topic = uniqueTopic('never-created')
    expect((await getJson<Messages>(`${stack().url}/topics/${topic}/messages`)).body).toEqual({
      topic,
      messages: [],
      next: {},
    })
    expect(
      (await getJson<{ position: Position }>(`${stack().url}/topics/${topic}/position`)).body
        .position,
    ).toEqual({})
  })

  it.each<[string, string, number, string]>([
    ['a bad topic', '/topics/__bad/messages', 400, 'invalid_topic'],
    ['limit 0', '/topics/t/messages?limit=0', 400, 'invalid_query'],
    ['limit over the maximum', '/topics/t/messages?limit=1001', 400, 'invalid_query'],
    ['a non-numeric limit', '/topics/t/messages?limit=ten', 400, 'invalid_query'],
    ['a malformed position', '/topics/t/messages?since=zero', 400, 'invalid_position'],
    ['POST to the history', '/topics/t/messages', 405, 'method_not_allowed'],
  ])('answers %s with a clear error', async (_case, path, status, code) => {
    const init = path === '/topics/t/messages' ? { method: 'POST' } : {}
    expectError(await getJson(`${stack().url}${path}`, init), status, code)
  })
})
