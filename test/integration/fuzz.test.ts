// Generated requests and Socket.IO payloads against the real stack with access on: bodies,
// headers, query strings, tokens (expired, wrong signature, `alg: none`, wrong audience, huge).
// Every answer must be a documented status of its route with a body matching the OpenAPI
// document — no 5xx — and no process may restart. Seeded: a failure prints its seed and request.

import { ERROR_CODES, type SubscriptionAck } from '@herald/shared'
import fc from 'fast-check'
import { randomInt } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'

import { accessEnv, call, token } from '../support/access.js'
import { answerProblem, documentedPath, errorProblem } from '../support/openapi.js'
import { useTestStack } from '../support/stack.js'
import { waitUntil } from '../support/wait.js'

const REQUESTS = 10_000
const SOCKET_PAYLOADS = 1_000
const HANDSHAKES = 200
const CONCURRENCY = 16
const SEED = Number(process.env.HERALD_FUZZ_SEED ?? randomInt(2 ** 31))

const FUZZ_KEY = 'hk_fuzz_key_00000000000000000000001'
const ADMIN_KEY = 'hk_fuzz_admin_key_000000000000000002'
const stack = useTestStack({
  producers: 2,
  consumers: 1,
  serviceEnv: {
    ...accessEnv([
      // No topic creation: a fuzz run must not fill Kafka with topics.
      { name: 'fuzz', key: FUZZ_KEY, publish: ['fuzz', 'fuzz.*'], publishRate: 10_000_000 },
      { name: 'admin', key: ADMIN_KEY, publish: ['*'], createTopics: true },
    ]),
    HERALD_LIMIT_SUBSCRIBES_PER_SOCKET: '10000000',
  },
})

const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url')
const hour = (): number => Math.floor(Date.now() / 1000) + 3600

async function credentials(): Promise<(string | undefined)[]> {
  const valid = await token('fuzzer', ['fuzz', 'fuzz.*'])
  return [
    undefined,
    `Bearer ${FUZZ_KEY}`,
    `Bearer ${ADMIN_KEY}`,
    'Bearer hk_unknown_key_000000000000000000',
    `Bearer ${valid}`,
    `bearer   ${valid}`,
    `Bearer ${await token('fuzzer', ['*'], { ttlSeconds: -60 })}`,
    `Bearer ${await token('fuzzer', ['*'], { audience: 'elsewhere' })}`,
    `Bearer ${valid.slice(0, -3)}xyz`,
    `Bearer ${encode({ alg: 'none' })}.${encode({ sub: 'x', aud: 'herald', exp: hour(), watch: ['*'] })}.`,
    `Bearer ${'a'.repeat(6000)}.${'b'.repeat(100)}.c`,
    'Basic dXNlcjpwYXNz',
    'Bearer',
    '',
  ]
}

const topicArb = fc.oneof(
  fc.constantFrom('fuzz', 'fuzz.a', 'fuzz.nope', 'orders', '*', '', '..', '__x', 'a b', 'ü'),
  fc.string({ maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,250}$/),
)
const notifyArb = fc.record(
  {
    topic: fc.oneof(topicArb, fc.jsonValue()),
    message: fc.jsonValue({ maxDepth: 3 }),
    key: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
)
const bodyArb = fc.oneof(
  { weight: 4, arbitrary: notifyArb.map((body) => JSON.stringify(body)) },
  { weight: 2, arbitrary: fc.array(notifyArb, { maxLength: 5 }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ name: topicArb, partitions: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })
      .map((b) => JSON.stringify(b)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', 'x'.repeat(70_000)) },
)
const queryArb = fc.dictionary(
  fc.constantFrom('limit', 'since', 'key', 'x'),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('0', '10', '-1', '1e3', '0:0', '0:x,1', '%', '99999999999999999999'),
  ),
  { maxKeys: 3 },
)
const pathArb = fc.oneof(
  fc.constantFrom('/notify', '/notify/batch', '/topics', '/openapi.json', '/notify/', '/topics/'),
  fc
    .tuple(topicArb, fc.constantFrom('messages', 'position', 'other', ''))
    .map(([topic, tail]) => `/topics/${encodeURIComponent(topic)}${tail === '' ? '' : `/${tail}`}`),
  fc.constantFrom('/topics/%E0%A4%A', '/topics/a%2Fb/messages', '/nope', '/notify/x', '//notify'),
)

interface FuzzRequest {
  method: string
  path: string
  query: Record<string, string>
  authorization: number
  contentType: string | undefined
  body: string | undefined
}

/** Requests that should be accepted, so that the run reaches past validation into Kafka. */
const acceptableArb = fc.record({
  method: fc.constant('POST'),
  path: fc.constant('/notify'),
  query: fc.constant({}),
  authorization: fc.constant(1),
  contentType: fc.constant('application/json'),
  body: fc
    .record({
      topic: fc.constantFrom('fuzz', 'fuzz.a'),
      message: fc.jsonValue({ maxDepth: 3 }).filter((message) => message !== null),
      key: fc.string({ minLength: 1, maxLength: 20 }),
    })
    .map((body) => JSON.stringify(body)),
})

function requestArb(authorizations: number) {
  return fc.oneof(
    { weight: 1, arbitrary: acceptableArb },
    { weight: 9, arbitrary: anyRequestArb(authorizations) },
  )
}

function anyRequestArb(authorizations: number) {
  return fc.record({
    method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: pathArb,
    query: queryArb,
    authorization: fc.nat({ max: authorizations - 1 }),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/cloudevents+json; charset=utf-8',
      'application/json; charset=latin1',
      'text/plain',
      undefined,
    ),
    body: fc.option(bodyArb, { nil: undefined, freq: 5 }),
  })
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T)
    }),
  )
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`answers ${REQUESTS} generated requests as documented, never with a 5xx`, async () => {
    let restarts = 0
    stack().supervisor.on('restarting', () => (restarts += 1))
    await call(`${stack().url}/topics`, {
      method: 'POST',
      bearer: ADMIN_KEY,
      body: { name: 'fuzz' },
    })
    await call(`${stack().url}/topics`, {
      method: 'POST',
      bearer: ADMIN_KEY,
      body: { name: 'fuzz.a' },
    })
    const authorizations = await credentials()
    const requests = fc.sample(requestArb(authorizations.length), { numRuns: REQUESTS, seed: SEED })
    const problems: string[] = []
    const statuses = new Map<number, number>()
    await pool(requests, CONCURRENCY, async (request: FuzzRequest) => {
      const search = new URLSearchParams(request.query).toString()
      const url = `${stack().url}${request.path}${search === '' ? '' : `?${search}`}`
      const headers: Record<string, string> = {}
      const authorization = authorizations[request.authorization]
      if (authorization !== undefined) headers.authorization = authorization
      if (request.contentType !== undefined) headers['content-type'] = request.contentType
      const withBody = request.body !== undefined && !['GET', 'HEAD'].includes(request.method)
      const response = await fetch(url, {
        method: request.method,
        headers,
        ...(withBody ? { body: request.body } : {}),
        signal: AbortSignal.timeout(10_000),
      })
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      const text = await response.text()
      const what = `${request.method} ${url.slice(0, 200)} → ${response.status} ${text.slice(0, 200)}`
      const path = new URL(url).pathname
      // `/topics/..` is `/` once the URL is normalized: the page, not the API.
      if (path === '/' && response.status === 200) return
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        problems.push(`not JSON: ${what}`)
        return
      }
      if (response.status >= 500) problems.push(`5xx: ${what}`)
      const problem =
        documentedPath(path) === undefined
          ? [400, 404, 405].includes(response.status)
            ? errorProblem(response.status, body)
            : `undocumented path answered ${response.status}`
          : answerProblem(path, request.method, response.status, body)
      if (problem !== undefined) problems.push(`${problem}: ${what}`)
    })
    expect(problems.slice(0, 20)).toEqual([])
    // The run reached past the guards, not only their 401s.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(0)
    expect(statuses.get(401) ?? 0).toBeGreaterThan(0)
    expect(statuses.get(403) ?? 0).toBeGreaterThan(0)
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0)
    expect(restarts).toBe(0)
  }, 300_000)

  it(`answers ${SOCKET_PAYLOADS} generated socket payloads with acks of the contract, and ${HANDSHAKES} handshakes with a coded refusal`, async () => {
    let restarts = 0
    stack().supervisor.on('restarting', () => (restarts += 1))
    const valid = await token('fuzz-socket', ['fuzz', 'fuzz.*', 'orders#k'])
    const sockets: Socket[] = []
    for (let i = 0; i < 4; i += 1) {
      const socket = io(stack().url, {
        transports: ['websocket'],
        auth: { token: valid },
        reconnection: false,
      })
      sockets.push(socket)
    }
    await waitUntil(() => sockets.every((socket) => socket.connected), { what: 'four sockets' })

    const eventArb = fc.constantFrom(
      'subscribe',
      'subscribe',
      'unsubscribe',
      'token:refresh',
      'nonsense',
    )
    const payloadArb = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        { topics: fc.array(fc.oneof(topicArb, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }) },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          topics: fc.array(topicArb, { maxLength: 3 }),
          positions: fc.dictionary(
            topicArb,
            fc.oneof(
              fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
              fc.jsonValue({ maxDepth: 1 }),
            ),
          ),
        },
        { requiredKeys: ['topics'] },
      ),
      fc.array(topicArb, { maxLength: 4 }),
      fc.constantFrom(valid, 'x'.repeat(10_000)),
    )
    const payloads = fc.sample(fc.tuple(eventArb, payloadArb, fc.nat({ max: 3 })), {
      numRuns: SOCKET_PAYLOADS,
      seed: SEED,
    })
    const problems: string[] = []
    const codes = new Set<string>(ERROR_CODES)
    await pool(payloads, 8, async ([event, payload, index]) => {
      const socket = sockets[index] as Socket
      if (event === 'nonsense') {
        socket.emit(event, payload)
        return
      }
      const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as SubscriptionAck
      const fine =
        ack.ok === true
          ? Array.isArray(ack.topics)
          : codes.has(ack.error.code) && ack.error.message.length > 0
      if (!fine)
        problems.push(`${event} ${JSON.stringify(payload).slice(0, 200)} → ${JSON.stringify(ack)}`)
    })
    expect(problems.slice(0, 20)).toEqual([])
    expect(sockets.every((socket) => socket.connected)).toBe(true)
    for (const socket of sockets) socket.close()

    const auths = fc.sample(
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({
          token: fc.oneof(fc.string({ maxLength: 100 }), fc.jsonValue({ maxDepth: 1 })),
        }),
        fc.record({
          token: fc.constantFrom(
            ...(await credentials()).map((c) => c?.replace(/^\w+ +/, '') ?? ''),
          ),
        }),
      ),
      { numRuns: HANDSHAKES, seed: SEED },
    )
    await pool(auths, 8, async (auth) => {
      const socket = io(stack().url, {
        transports: ['websocket'],
        auth: (typeof auth === 'object' && auth !== null && !Array.isArray(auth)
          ? auth
          : { token: auth }) as Record<string, unknown>,
        reconnection: false,
        timeout: 10_000,
      })
      const outcome = await new Promise<string>((resolve) => {
        socket.on('connect', () => resolve('connected'))
        socket.on('connect_error', (error) => {
          const { data } = error as Error & { data?: { code?: string; message?: string } }
          resolve(
            data?.code !== undefined && codes.has(data.code) && data.message
              ? 'refused'
              : `bad refusal ${error.message}`,
          )
        })
      })
      socket.close()
      if (outcome !== 'connected' && outcome !== 'refused')
        problems.push(`${JSON.stringify(auth).slice(0, 100)}: ${outcome}`)
    })
    expect(problems.slice(0, 20)).toEqual([])
    expect(restarts).toBe(0)
  }, 300_000)
})
