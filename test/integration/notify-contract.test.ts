// POST /notify through nginx on the real stack: the 202 and every error of the contract.

import type { ErrorBody, NotifyBatchAnswer, PublishReceipt } from '@herald/shared'
import { consumeWithKafkaTools } from '@herald/stack'
import { describe, expect, it } from 'vitest'

import { createTopic, getJson, postNotify } from '../support/http.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const stack = useTestStack({ producers: 2, consumers: 1 })

function expectError(
  answer: { status: number; body: unknown },
  status: number,
  code: string,
): void {
  expect(answer.status).toBe(status)
  const { error } = answer.body as ErrorBody
  expect(error.code).toBe(code)
  expect(typeof error.message).toBe('string')
  expect(error.message.length).toBeGreaterThan(0)
}

describe('POST /notify', () => {
  it('answers 202 with where Kafka stored the record, and the record is in Kafka', async () => {
    const topic = uniqueTopic('accepted')
    const before = Date.now()
    const answer = await postNotify<PublishReceipt>(stack().url, {
      topic,
      message: { order: 42, note: 'héllo' },
      key: 'order-42',
    })

    expect(answer.status).toBe(202)
    expect(answer.body).toEqual({
      topic,
      partition: expect.any(Number) as number,
      offset: '0',
      timestamp: expect.any(Number) as number,
    })
    expect(answer.body.timestamp).toBeGreaterThanOrEqual(before)
    const [record] = await consumeWithKafkaTools(
      { distribution: stack().kafka, brokers: stack().kafkaBrokers },
      topic,
      1,
    )
    expect(record).toEqual({
      partition: answer.body.partition,
      offset: '0',
      key: 'order-42',
      value: JSON.stringify({ order: 42, note: 'héllo' }),
      // The request's id (nginx's $request_id), for its trail through the logs to the page.
      headers: { 'herald-request-id': answer.headers.get('x-request-id') },
    })
  })

  it('spreads unkeyed records over the partitions of a topic created with several', async () => {
    const topic = uniqueTopic('partitions')
    await createTopic(stack().url, topic, 3)
    const partitions = new Set<number>()
    for (let i = 0; i < 12; i++) {
      const answer = await postNotify<PublishReceipt>(stack().url, { topic, message: i })
      expect(answer.status).toBe(202)
      partitions.add(answer.body.partition)
    }
    expect(partitions.size).toBeGreaterThan(1)
  })

  it('keeps records with the same key on one partition, in order', async () => {
    const topic = uniqueTopic('keyed')
    const receipts: PublishReceipt[] = []
    for (let i = 0; i < 10; i++) {
      receipts.push(
        (await postNotify<PublishReceipt>(stack().url, { topic, message: i, key: 'k' })).body,
      )
    }
    expect(new Set(receipts.map((r) => r.partition)).size).toBe(1)
    expect(receipts.map((r) => Number(r.offset))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('accepts any JSON value but null as the message', async () => {
    const topic = uniqueTopic('values')
    for (const message of ['text', 0, false, [1, 'two'], { nested: { deep: [null] } }]) {
      expect((await postNotify(stack().url, { topic, message })).status).toBe(202)
    }
  })

  it.each<[string, { raw?: string; body?: unknown }, string]>([
    ['a body that is not JSON', { raw: '{"topic": "x",' }, 'invalid_json'],
    ['an array body', { raw: '[1, 2]' }, 'invalid_body'],
    ['a string body', { raw: '"hello"' }, 'invalid_body'],
    ['an unknown field', { body: { topic: 't', message: 1, msg: 2 } }, 'invalid_body'],
    ['a missing topic', { body: { message: 'm' } }, 'invalid_topic'],
    ['an empty topic', { body: { topic: '', message: 'm' } }, 'invalid_topic'],
    ['a topic with a space', { body: { topic: 'a b', message: 'm' } }, 'invalid_topic'],
    ['the topic ".."', { body: { topic: '..', message: 'm' } }, 'invalid_topic'],
    [
      'a topic starting with __',
      { body: { topic: '__consumer_offsets', message: 'm' } },
      'invalid_topic',
    ],
    [
      'a topic of 201 characters',
      { body: { topic: 'x'.repeat(201), message: 'm' } },
      'invalid_topic',
    ],
    ['a numeric topic', { body: { topic: 7, message: 'm' } }, 'invalid_topic'],
    ['a missing message', { body: { topic: 't' } }, 'invalid_message'],
    ['a null message', { body: { topic: 't', message: null } }, 'invalid_message'],
    ['a numeric key', { body: { topic: 't', message: 'm', key: 5 } }, 'invalid_key'],
    ['an empty key', { body: { topic: 't', message: 'm', key: '' } }, 'invalid_key'],
  ])('answers 400 to %s', async (_case, { raw, body }, code) => {
    expectError(await postNotify(stack().url, body, raw === undefined ? {} : { raw }), 400, code)
  })

  it('answers 400 invalid_topic when Kafka refuses a name that collides with an existing topic', async () => {
    const topic = uniqueTopic('collide')
    expect((await postNotify(stack().url, { topic: `${topic}.a`, message: 1 })).status).toBe(202)
    // Kafka treats "." and "_" alike in metric names and refuses the second of such a pair.
    expectError(
      await postNotify(stack().url, { topic: `${topic}_a`, message: 1 }),
      400,
      'invalid_topic',
    )
  })

  it('answers 413 payload_too_large to a body over 64 KiB', async () => {
    const answer = await postNotify(stack().url, { topic: 't', message: 'x'.repeat(70 * 1024) })
    expectError(answer, 413, 'payload_too_large')
  })

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['no Content-Type', null],
  ])('answers 415 unsupported_media_type to %s', async (_case, contentType) => {
    const answer = await postNotify(stack().url, { topic: 't', message: 'm' }, { contentType })
    expectError(answer, 415, 'unsupported_media_type')
  })

  it('accepts application/json with a charset parameter', async () => {
    const answer = await postNotify(
      stack().url,
      { topic: uniqueTopic('charset'), message: 'm' },
      { contentType: 'application/json; charset=utf-8' },
    )
    expect(answer.status).toBe(202)
  })

  it('answers 405 method_not_allowed with Allow to GET /notify', async () => {
    const answer = await getJson(`${stack().url}/notify`)
    expectError(answer, 405, 'method_not_allowed')
    expect(answer.headers.get('allow')).toBe('POST')
  })

  it('answers 404 not_found to an unknown path', async () => {
    expectError(await getJson(`${stack().url}/nowhere`), 404, 'not_found')
    expectError(await getJson(`${stack().url}/nowhere`, { method: 'POST' }), 404, 'not_found')
  })
})

describe('POST /notify/batch', () => {
  const postBatch = async (body: unknown) => {
    const response = await fetch(`${stack().url}/notify/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as NotifyBatchAnswer }
  }

  it('publishes each item on its own and answers one result per item, in order', async () => {
    const topic = uniqueTopic('batch')
    const { status, body } = await postBatch([
      { topic, message: 'first', key: 'k' },
      { topic: 'bad topic', message: 1 },
      { topic, message: { second: true }, key: 'k' },
      { topic, message: null },
      { topic, message: 'x'.repeat(70 * 1024) },
      { topic, message: 'third', key: 'k' },
    ])
    expect(status).toBe(200)
    expect(body).toMatchObject({ accepted: 3, failed: 3 })
    expect(body.results.map((r) => r.status)).toEqual([202, 400, 202, 400, 413, 202])
    expect(body.results.map((r) => ('error' in r ? r.error.code : 'ok'))).toEqual([
      'ok',
      'invalid_topic',
      'ok',
      'invalid_message',
      'payload_too_large',
      'ok',
    ])
    const stored = body.results.filter(
      (r): r is Extract<typeof r, { status: 202 }> => r.status === 202,
    )
    // Same key: one partition, offsets in the order the items were given.
    expect(new Set(stored.map((r) => r.partition)).size).toBe(1)
    expect(stored.map((r) => r.offset)).toEqual(['0', '1', '2'])
    const records = await consumeWithKafkaTools(
      { distribution: stack().kafka, brokers: stack().kafkaBrokers },
      topic,
      3,
    )
    expect(records.map((r) => r.value)).toEqual(['"first"', '{"second":true}', '"third"'])
  })

  it('takes 1,000 notifications in one request', async () => {
    const topic = uniqueTopic('batch-1000')
    const items = Array.from({ length: 1000 }, (_, i) => ({
      topic,
      message: { i },
      key: `k${i % 7}`,
    }))
    const { status, body } = await postBatch(items)
    expect(status).toBe(200)
    expect(body.accepted).toBe(1000)
    const ids = new Set(
      body.results.map((r) => ('offset' in r ? `${r.partition}:${r.offset}` : '')),
    )
    expect(ids.size).toBe(1000)
  })

  it.each<[string, unknown]>([
    ['an object', { topic: 't', message: 1 }],
    ['an empty array', []],
    ['1,001 items', Array.from({ length: 1001 }, () => ({ topic: 't', message: 1 }))],
  ])('answers 400 invalid_body to %s', async (_case, body) => {
    expectError(await postBatch(body), 400, 'invalid_body')
  })

  it('answers 413 payload_too_large to a batch body over 4 MiB, storing none of it', async () => {
    const topic = uniqueTopic('batch-large')
    // 80 items of 60 KB: each under its own limit, 4.7 MiB together.
    const items = Array.from({ length: 80 }, (_, i) => ({ topic, message: `${i}`.padEnd(60_000) }))
    expectError(await postBatch(items), 413, 'payload_too_large')
    const topics = await getJson<{ topics: { name: string }[] }>(`${stack().url}/topics`)
    expect(topics.body.topics.map((t) => t.name)).not.toContain(topic)
  })
})
