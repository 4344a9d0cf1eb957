// The operator API on a real stack with access on: who may call it, the instance registry as
// the consumers and the producer report it, topics with their lag and owners, the dead letters,
// an admin token's test send and history read, and an instance that stops reporting.

import type { TopicLagView } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { accessEnv, call, token, type Answer } from '../support/access.js'
import { writeRawRecords } from '../support/kafka-writer.js'
import { connectSubscriber } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const BACKEND = 'hk_admin_api_backend_key_000000001'
/** Reports every 500 ms, so an instance that stops is gone within 1.5 s. */
const REPORT_MS = 500

const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: {
    ...accessEnv([{ name: 'backend', key: BACKEND, publish: ['*'], createTopics: true }]),
    HERALD_INSTANCE_REPORT_MS: String(REPORT_MS),
  },
})

const url = (path: string): string => `${stack().url}${path}`
const adminToken = (): Promise<string> => token('ops', ['*'], { admin: true })

interface InstanceView {
  name: string
  role: 'producer' | 'consumer'
  ready: boolean
  connections?: number
  [figure: string]: unknown
}
interface DeadLetterView {
  reason: string | null
  topic: string | null
  partition: number | null
  offset: string | null
  deadLetterOffset: string
  bytes: number
  preview: string
}

async function admin<T>(path: string): Promise<T> {
  const answer = await call(url(path), { bearer: await adminToken() })
  if (answer.status !== 200)
    throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body as T
}
const instances = async (): Promise<InstanceView[]> =>
  (await admin<{ instances: InstanceView[] }>('/admin/instances')).instances
const consumerNames = (): string[] =>
  stack()
    .instances.filter((instance) => instance.kind === 'consumer')
    .map((instance) => instance.name)

function expectError(answer: Answer, status: number, code: string, message?: RegExp): void {
  expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code })
  if (message !== undefined) expect(answer.body.error?.message).toMatch(message)
}

async function post(body: unknown, bearer = BACKEND): Promise<Answer> {
  return call(url('/notify'), { method: 'POST', bearer, body })
}

describe('the operator API', () => {
  const routes = ['/admin/instances', '/admin/topics', '/admin/dead-letters']

  it('answers 401 without a credential or with a bad one, 403 to a key or a non-admin token', async () => {
    const subscriber = await token('user-7', ['*'])
    for (const route of routes) {
      expectError(await call(url(route)), 401, 'unauthorized')
      expectError(await call(url(route), { bearer: 'not.a.token' }), 401, 'unauthorized')
      expectError(
        await call(url(route), { bearer: subscriber }),
        403,
        'forbidden',
        /^the token is not an admin token$/,
      )
      expectError(await call(url(route), { bearer: BACKEND }), 403, 'forbidden')
    }
  })

  it('lists no dead letters before the dead-letter topic exists', async () => {
    expect(await admin('/admin/dead-letters')).toEqual({ deadLetters: [] })
  })

  it('lists every instance, ready, with the sockets each consumer holds', async () => {
    const sockets = await Promise.all(
      [1, 2, 3].map(async (i) =>
        connectSubscriber(stack().url, { token: await token(`s${i}`, ['*']) }),
      ),
    )
    expect(sockets).toHaveLength(3)
    const listed = await waitUntil(
      async () => {
        const now = await instances()
        const connections = now.reduce((sum, i) => sum + (i.connections ?? 0), 0)
        return now.length === 3 && now.every((i) => i.ready) && connections === 3 && now
      },
      { timeoutMs: 15_000, what: 'three ready instances holding the three sockets' },
    )
    expect(listed.map(({ role, name }) => `${role} ${name}`)).toEqual([
      ...consumerNames()
        .sort()
        .map((name) => `consumer ${name}`),
      'producer producer-1',
    ])
    const [consumer] = listed
    expect(consumer).toEqual({
      name: expect.any(String) as string,
      role: 'consumer',
      ready: true,
      startedAt: expect.any(Number) as number,
      seenAt: expect.any(Number) as number,
      rssBytes: expect.any(Number) as number,
      heapUsedBytes: expect.any(Number) as number,
      connections: expect.any(Number) as number,
      subscriptions: expect.any(Number) as number,
      topics: expect.any(Number) as number,
      partitions: expect.any(Number) as number,
      lagRecords: expect.any(Number) as number,
      paused: null,
      behind: false,
      deadLetters: expect.any(Number) as number,
      slowConsumersCut: 0,
    })
    const body = await admin<{ groupLagRecords: unknown }>('/admin/instances')
    expect(typeof body.groupLagRecords).toBe('number')
  })

  it('shows a topic with its partitions, their owners and no lag once delivered; searches and pages', async () => {
    const base = uniqueTopic('admin-topics')
    const [wide, narrow] = [`${base}.wide`, `${base}.narrow`]
    for (const [name, partitions] of [
      [wide, 4],
      [narrow, 1],
    ] as const) {
      const created = await call(url('/topics'), {
        method: 'POST',
        bearer: BACKEND,
        body: { name, partitions },
      })
      expect(created.status).toBe(201)
    }
    for (let i = 0; i < 40; i++) {
      expect((await post({ topic: wide, key: `k${i}`, message: i })).status).toBe(202)
    }
    expect((await post({ topic: narrow, message: 'one' })).status).toBe(202)

    const consumers = consumerNames()
    const shown = await waitUntil(
      async () => {
        const page = await admin<{ total: number; topics: TopicLagView[] }>(
          `/admin/topics?search=${encodeURIComponent(wide)}`,
        )
        const topic = page.topics[0]
        const settled =
          page.total === 1 &&
          topic?.partitions === 4 &&
          topic.lag === 0 &&
          topic.detail.every(
            ({ owner, lag, committed }) =>
              owner !== null && consumers.includes(owner) && lag === 0 && committed !== null,
          )
        return settled && topic
      },
      { timeoutMs: 30_000, what: `${wide}: 4 partitions, each owned and delivered` },
    )
    expect(shown.detail.map(({ partition }) => partition)).toEqual([0, 1, 2, 3])
    expect(shown.detail.reduce((sum, { end }) => sum + Number(end), 0)).toBe(40)
    expect(shown.owners.length).toBeGreaterThan(0)
    for (const owner of shown.owners) expect(consumers).toContain(owner)

    await waitUntil(
      async () =>
        (await admin<{ topics: TopicLagView[] }>(`/admin/topics?search=${narrow}`)).topics[0]
          ?.lag === 0,
      { timeoutMs: 30_000, what: `${narrow} delivered` },
    )
    const both = await admin<{ total: number; topics: TopicLagView[] }>(
      `/admin/topics?search=${base.toUpperCase()}`,
    )
    expect(both.total).toBe(2)
    expect(both.topics.map(({ topic }) => topic)).toEqual([narrow, wide])
    const second = await admin<{ total: number; topics: TopicLagView[] }>(
      `/admin/topics?search=${base}&limit=1&offset=1`,
    )
    expect(second).toMatchObject({ total: 2, topics: [{ topic: wide }] })
    const all = await admin<{ topics: TopicLagView[] }>('/admin/topics?limit=200')
    expect(all.topics.map(({ topic }) => topic)).not.toContain('herald.dead-letters')

    const bearer = await adminToken()
    for (const query of ['limit=0', 'limit=201', 'offset=-1', 'limit=x']) {
      expectError(await call(url(`/admin/topics?${query}`), { bearer }), 400, 'invalid_request')
    }
    expectError(await call(url('/admin/dead-letters?limit=0'), { bearer }), 400, 'invalid_request')
  })

  it('lists a record that is not UTF-8 among the dead letters, with where it came from', async () => {
    const topic = uniqueTopic('admin-dead')
    expect((await post({ topic, message: 'first' })).status).toBe(202)
    // Once a consumer reads the topic, a raw record from another client goes to it.
    await waitUntil(
      async () =>
        (await admin<{ topics: TopicLagView[] }>(`/admin/topics?search=${topic}`)).topics[0]
          ?.detail[0]?.committed === '1',
      { timeoutMs: 30_000, what: `${topic} read by a consumer` },
    )
    await writeRawRecords(stack().kafkaBrokers, topic, [Buffer.from([0xff, 0xfe, 0x41])])
    const letter = await waitUntil(
      async () =>
        (await admin<{ deadLetters: DeadLetterView[] }>('/admin/dead-letters')).deadLetters.find(
          (entry) => entry.topic === topic,
        ),
      { timeoutMs: 30_000, what: `the dead letter of ${topic}` },
    )
    expect(letter).toMatchObject({
      reason: 'not_utf8',
      topic,
      partition: 0,
      offset: '1',
      bytes: 3,
      preview: '\uFFFD\uFFFDA',
    })
    expect(letter.deadLetterOffset).toMatch(/^\d+$/)
  })

  it('lets an admin token publish to any topic, creating it, and read its history', async () => {
    const topic = uniqueTopic('admin-send')
    const bearer = await adminToken()
    const sent = await post({ topic, message: { test: true } }, bearer)
    expect(sent.status).toBe(202)
    const history = await call(url(`/topics/${topic}/messages`), { bearer })
    expect(history.status).toBe(200)
    expect(history.body.messages).toEqual([
      expect.objectContaining({ topic, offset: '0', message: { test: true } }),
    ])
    // Any other token still may not publish.
    expectError(
      await post({ topic, message: 1 }, await token('user-7', ['*'])),
      401,
      'unauthorized',
    )
  })

  it('drops an instance that stops reporting within its expiry, and shows it again', async () => {
    const [stopped] = consumerNames()
    if (stopped === undefined) throw new Error('no consumer')
    stack().supervisor.signal(stopped, 'SIGSTOP')
    try {
      await waitUntil(async () => !(await instances()).some(({ name }) => name === stopped), {
        timeoutMs: 3 * REPORT_MS + 5000,
        what: `${stopped} gone from /admin/instances`,
      })
    } finally {
      stack().supervisor.signal(stopped, 'SIGCONT')
    }
    await waitUntil(async () => (await instances()).some(({ name }) => name === stopped), {
      timeoutMs: 10_000,
      what: `${stopped} back in /admin/instances`,
    })
  })

  it('answers 503 upstream_unavailable for the instances while Redis does not answer, and topics without owners', async () => {
    const topic = uniqueTopic('admin-redis')
    expect((await post({ topic, message: 1 })).status).toBe(202)
    // Stopped, not killed: its connections stay open and commands wait, as on a stalled host.
    stack().supervisor.signal('redis', 'SIGSTOP')
    try {
      const answer = await call(url('/admin/instances'), { bearer: await adminToken() })
      expectError(answer, 503, 'upstream_unavailable', /instance registry.*within 2000 ms/)
      expect(answer.headers.get('retry-after')).toBe('1')
      // The topics come from Kafka: they still show, with no owner known.
      const page = await admin<{ topics: TopicLagView[] }>(`/admin/topics?search=${topic}`)
      expect(page.topics.map(({ topic: name, owners }) => ({ name, owners }))).toEqual([
        { name: topic, owners: [] },
      ])
    } finally {
      stack().supervisor.signal('redis', 'SIGCONT')
    }
    await waitUntil(async () => (await instances()).length === 3, {
      timeoutMs: 10_000,
      what: 'every instance listed again',
    })
  })
})
