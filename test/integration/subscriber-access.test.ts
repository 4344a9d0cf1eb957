// Who may watch, on a stack with access on: the handshake's token, what its claims let a socket
// subscribe to, its expiry and refresh in place, and the socket limits shared by both consumers.

import type { SubscriptionAck, TokenRefreshAck } from '@herald/shared'
import { Redis } from 'ioredis'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { accessEnv, call, token, TOKEN_SECRET } from '../support/access.js'
import { scrapeMetrics, total } from '../support/metrics.js'
import {
  connectRefused,
  connectSubscriber,
  eventReceived,
  subscribe,
  waitForMessages,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const BACKEND = 'hk_backend_key_000000000000000001'
const SUBSCRIBES_PER_SOCKET = 5
const SOCKETS_PER_SUBJECT = 2
const SOCKETS_PER_ADDRESS = 8

/**
 * An identity provider's JWKS, served before the stack starts (hooks run in the order they are
 * registered): the consumers accept its ES256 tokens besides the shared secret's HS256 ones.
 */
const serviceEnv: Record<string, string> = {}
let jwks: { server: Server; signer: CryptoKeyPair } | undefined
beforeAll(async () => {
  const signer = await generateKeyPair('ES256', { extractable: true })
  const key = { ...(await exportJWK(signer.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ keys: [key] }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  serviceEnv.HERALD_TOKEN_JWKS_URL = `http://127.0.0.1:${port}/.well-known/jwks.json`
  jwks = { server, signer }
})
afterAll(() => jwks?.server.close())

const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: Object.assign(serviceEnv, {
    ...accessEnv([{ name: 'backend', key: BACKEND, publish: ['*'], createTopics: true }]),
    HERALD_TOKEN_EXPIRY_NOTICE_MS: '2500',
    HERALD_LIMIT_SOCKETS_PER_SUBJECT: String(SOCKETS_PER_SUBJECT),
    HERALD_LIMIT_SOCKETS_PER_ADDRESS: String(SOCKETS_PER_ADDRESS),
    HERALD_LIMIT_SUBSCRIBES_PER_SOCKET: String(SUBSCRIBES_PER_SOCKET),
    HERALD_LIMIT_SUBSCRIBES_WINDOW_MS: '600000',
  }),
})

let redis: Redis | undefined
afterAll(() => redis?.disconnect())

/** Sockets this test machine's address holds now, as the consumers count them in Redis. */
async function socketsOfAddress(): Promise<number> {
  redis ??= new Redis(stack().redisUrl)
  return redis.zcard('herald:sockets:address:127.0.0.1')
}

async function publish(topic: string, message: unknown, key?: string): Promise<void> {
  const answer = await call(`${stack().url}/notify`, {
    method: 'POST',
    bearer: BACKEND,
    body: { topic, message, ...(key === undefined ? {} : { key }) },
  })
  expect(answer.status).toBe(202)
}

const consumers = (): string[] =>
  stack()
    .instances.filter((instance) => instance.kind === 'consumer')
    .map((instance) => instance.url)

const forbidden = (entry: string): SubscriptionAck => ({
  ok: false,
  error: { code: 'forbidden', message: `the token does not grant "${entry}"` },
})

describe('the handshake', () => {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url')

  it.each([
    ['no token', () => Promise.resolve(undefined), 'unauthorized', /a token is required/],
    [
      'a token that is not a JWT',
      () => Promise.resolve({ token: 'not-a-jwt' }),
      'unauthorized',
      /not a valid JWT/,
    ],
    [
      'a token signed with another secret',
      async () => ({
        token: await token('u', ['*'], { audience: 'herald' }).then((t) => `${t.slice(0, -4)}AAAA`),
      }),
      'unauthorized',
      /signature/,
    ],
    [
      'an unsigned token (alg: none)',
      () => ({
        token: `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'u', aud: 'herald', watch: ['*'], exp: Math.floor(Date.now() / 1000) + 600 })}.`,
      }),
      'unauthorized',
      /./,
    ],
    [
      'a token for another audience',
      async () => ({ token: await token('u', ['*'], { audience: 'other' }) }),
      'unauthorized',
      /aud/,
    ],
    [
      'an expired token',
      async () => ({ token: await token('u', ['*'], { ttlSeconds: -5 }) }),
      'token_expired',
      /expired/,
    ],
    [
      'a huge token',
      () => Promise.resolve({ token: 'x'.repeat(9000) }),
      'unauthorized',
      /longer than/,
    ],
  ])('refuses %s with a connect_error carrying its code', async (_label, auth, code, message) => {
    const error = await connectRefused(stack().url, await auth())
    expect(error.data?.code).toBe(code)
    expect(error.message).toMatch(message)
  })

  it('never accepts the token in the URL', async () => {
    const error = await connectRefused(`${stack().url}?token=${await token('u', ['*'])}`)
    expect(error.data?.code).toBe('unauthorized')
  })
})

describe('what a token lets a socket watch', () => {
  it('a topic grant: that topic and its keyed streams, nothing else', async () => {
    const topic = uniqueTopic('granted')
    const socket = await connectSubscriber(stack().url, { token: await token('t1', [topic]) })
    expect(await subscribe(socket, [topic])).toMatchObject({ ok: true, topics: [topic] })
    expect(await subscribe(socket, [`${topic}#k`])).toMatchObject({ ok: true })
    expect(await subscribe(socket, [`${topic}.sub`])).toEqual(forbidden(`${topic}.sub`))
    await publish(topic, 'hello')
    expect((await waitForMessages(socket, topic, 1))[0]?.message).toBe('hello')
  })

  it('a pattern grant: the topics under it and narrower patterns, not its neighbours', async () => {
    const base = uniqueTopic('user')
    const socket = await connectSubscriber(stack().url, { token: await token('t2', [`${base}.*`]) })
    expect(await subscribe(socket, [`${base}.inbox`, `${base}.*`, `${base}.a.*`])).toMatchObject({
      ok: true,
    })
    expect(await subscribe(socket, [`${base}x.inbox`])).toEqual(forbidden(`${base}x.inbox`))
  })

  it('a keyed-stream grant: that key of the topic only, live and in recovery', async () => {
    const topic = uniqueTopic('orders')
    const mine = `${topic}#user-42`
    const socket = await connectSubscriber(stack().url, { token: await token('user-42', [mine]) })
    expect(await subscribe(socket, [topic])).toEqual(forbidden(topic))
    expect(await subscribe(socket, [`${topic}#user-43`])).toEqual(forbidden(`${topic}#user-43`))
    expect(
      await subscribe(socket, { topics: [mine], positions: { [topic]: { '0': '0' } } }),
    ).toMatchObject({ ok: true, topics: [mine] })
    await publish(topic, 'not yours', 'user-43')
    await publish(topic, 'yours', 'user-42')
    const [received] = await waitForMessages(socket, topic, 1)
    expect(received).toMatchObject({ key: 'user-42', message: 'yours' })
    expect(socket.received).toHaveLength(1)
  })

  it('refuses `*` without the grant, names the entry, and joins nothing of a refused request', async () => {
    const topic = uniqueTopic('some')
    const socket = await connectSubscriber(stack().url, {
      token: await token('t3', [topic, 'other.*']),
    })
    expect(await subscribe(socket, [topic, '*'])).toEqual(forbidden('*'))
    expect(await subscribe(socket, ['other.*'])).toMatchObject({ ok: true, topics: ['other.*'] })
    const everything = await connectSubscriber(stack().url, { token: await token('admin', ['*']) })
    expect(await subscribe(everything, ['*'])).toMatchObject({ ok: true, topics: ['*'] })
  })
})

describe('tokens from a JWKS', () => {
  it('accepts an ES256 token signed by a key the JWKS names, and refuses an unknown key id', async () => {
    const topic = uniqueTopic('jwks')
    const sign = (kid: string): Promise<string> =>
      new SignJWT({ watch: [topic] })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject('idp-user')
        .setAudience('herald')
        .setExpirationTime('10m')
        .sign((jwks as { signer: CryptoKeyPair }).signer.privateKey)
    const socket = await connectSubscriber(stack().url, { token: await sign('idp-1') })
    expect(await subscribe(socket, [topic])).toMatchObject({ ok: true, topics: [topic] })
    expect(await subscribe(socket, ['*'])).toEqual(forbidden('*'))
    const refused = await connectRefused(stack().url, { token: await sign('idp-2') })
    expect(refused.data).toEqual({
      code: 'unauthorized',
      message: 'no key of the JWKS matches the token',
    })
  })
})

describe('token expiry', () => {
  it('warns, then disconnects with token_expired when no fresh token came', async () => {
    const topic = uniqueTopic('expiring')
    const socket = await connectSubscriber(stack().url, {
      token: await token('brief', [topic], { ttlSeconds: 3 }),
    })
    const notice = await eventReceived<{ expiresAt: number }>(socket, 'token:expiring')
    expect(notice.expiresAt).toBeGreaterThan(Date.now())
    const reason = await eventReceived<{ code: string; message: string }>(socket, 'token:expired')
    expect(reason.code).toBe('token_expired')
    const disconnect = await eventReceived<string>(socket, 'disconnect')
    expect(disconnect).toBe('io server disconnect')
  })

  it('takes a fresh token in place: stays connected past the old expiry, narrowed to the new grant', async () => {
    const topic = uniqueTopic('refreshed')
    const [kept, dropped] = [`${topic}#kept`, `${topic}#dropped`]
    const socket = await connectSubscriber(stack().url, {
      token: await token('refresher', [kept, dropped], { ttlSeconds: 3 }),
    })
    expect(await subscribe(socket, [kept, dropped])).toMatchObject({ ok: true })
    const notice = await eventReceived<{ expiresAt: number }>(socket, 'token:expiring')

    const refresh = async (fresh: string): Promise<TokenRefreshAck> =>
      (await socket.timeout(5000).emitWithAck('token:refresh', fresh)) as TokenRefreshAck
    expect(await refresh(await token('someone-else', [kept]))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await refresh(await token('refresher', [kept], { ttlSeconds: -5 }))).toMatchObject({
      ok: false,
      error: { code: 'token_expired' },
    })
    const answer = await refresh(await token('refresher', [kept]))
    expect(answer).toMatchObject({ ok: true, topics: [kept] })

    await waitUntil(() => Date.now() > notice.expiresAt + 1000, {
      what: 'the first token to have expired',
    })
    expect(socket.connected).toBe(true)
    // One partition, in order: had the dropped stream still been watched, it would arrive first.
    await publish(topic, 'dropped', 'dropped')
    await publish(topic, 'kept', 'kept')
    await waitForMessages(socket, topic, 1)
    expect(socket.received.map((n) => n.message)).toEqual(['kept'])
    expect(await subscribe(socket, [dropped])).toEqual(forbidden(dropped))
  })
})

describe('limits', () => {
  it('counts sockets per token subject across both consumers', async () => {
    const [first, second] = consumers() as [string, string]
    const crowd = await token('crowd', ['*'])
    await connectSubscriber(first, { token: crowd })
    const other = await connectSubscriber(second, { token: crowd })
    for (const url of [first, second]) {
      const error = await connectRefused(url, { token: crowd })
      expect(error.data).toEqual({
        code: 'rate_limited',
        message: `token subject "crowd" already holds ${SOCKETS_PER_SUBJECT} sockets, the most allowed; close one first`,
      })
    }
    other.close()
    // The slot is given back at the disconnect: a new socket gets in.
    await waitUntil(
      async () => {
        const again = await connectSubscriber(first, { token: crowd }).catch(() => undefined)
        return again !== undefined
      },
      { what: 'the freed slot', timeoutMs: 15_000 },
    )
  })

  it('counts sockets per client address, through nginx and straight to a consumer', async () => {
    await waitUntil(async () => (await socketsOfAddress()) === 0, {
      what: 'the earlier tests’ sockets to be released',
    })
    const [first] = consumers() as [string]
    for (let i = 0; i < SOCKETS_PER_ADDRESS; i += 1) {
      await connectSubscriber(i % 2 === 0 ? stack().url : first, {
        token: await token(`address-${i}`, ['*']),
      })
    }
    const error = await connectRefused(stack().url, { token: await token('one-more', ['*']) })
    expect(error.data?.code).toBe('rate_limited')
    expect(error.message).toMatch(/address 127\.0\.0\.1 already holds 8 sockets/)
  })

  it('limits subscribe operations per socket, with an error ack', async () => {
    await waitUntil(async () => (await socketsOfAddress()) === 0, { what: 'released sockets' })
    const socket = await connectSubscriber(stack().url, { token: await token('busy', ['*']) })
    for (let i = 0; i < SUBSCRIBES_PER_SOCKET; i += 1) {
      expect(await subscribe(socket, [uniqueTopic('op')])).toMatchObject({ ok: true })
    }
    expect(await subscribe(socket, [uniqueTopic('op')])).toEqual({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.stringMatching(/may subscribe or unsubscribe 5 times per 600 s/) as string,
      },
    })
    expect(socket.connected).toBe(true)
  })
})

describe('health', () => {
  it('says tokens are checked, with no warning', async () => {
    for (const url of consumers()) {
      const health = await call(`${url}/healthz`)
      expect(health.body).toMatchObject({ status: 'ok', access: 'tokens' })
      expect(health.body).not.toHaveProperty('warning')
    }
    expect(TOKEN_SECRET.length).toBeGreaterThanOrEqual(32)
  })
})

describe('refusals on /metrics', () => {
  it('count handshakes and subscriptions refused, by reason, never by subject', async () => {
    const consumer = consumers()[0] as string
    const before = await scrapeMetrics(consumer)
    expect((await connectRefused(consumer)).data?.code).toBe('unauthorized')
    const topic = uniqueTopic('refused')
    const socket = await connectSubscriber(consumer, {
      token: await token('metrics-subject', [topic]),
    })
    expect(await subscribe(socket, ['*'])).toEqual(forbidden('*'))
    const after = await scrapeMetrics(consumer)
    const grew = (series: string): number => total([after], series) - total([before], series)
    expect(grew('herald_auth_failures_total{key="none",reason="unauthorized"}')).toBe(1)
    expect(grew('herald_auth_failures_total{key="token",reason="forbidden"}')).toBe(1)
    for (const series of after.keys()) expect(series).not.toContain('metrics-subject')
  })
})
