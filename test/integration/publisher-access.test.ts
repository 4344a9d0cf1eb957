// Who may publish, and how much, on a stack with access on: publisher keys on every HTTP route,
// subscriber tokens on history reads, and limits counted once for both producers.

import { hashKey } from '@herald/shared/access'
import { describe, expect, it } from 'vitest'

import { accessEnv, call, token, type Answer } from '../support/access.js'
import { scrapeMetrics, total } from '../support/metrics.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const BILLING = 'hk_billing_current_key_0000000001'
const BILLING_NEXT = 'hk_billing_next_key_00000000000002'
const NEWS = 'hk_news_reader_key_000000000000003'
const LIMITED = 'hk_limited_key_000000000000000004'
const CREATOR = 'hk_creator_key_000000000000000005'

const stack = useTestStack({
  producers: 2,
  consumers: 1,
  serviceEnv: {
    ...accessEnv([
      {
        name: 'billing',
        key: BILLING,
        publish: ['orders', 'orders.*', 'news'],
        createTopics: true,
      },
      // The same grants under the next key, stored as its hash: both work during a rotation.
      { name: 'billing-next', sha256: hashKey(BILLING_NEXT), publish: ['orders', 'orders.*'] },
      { name: 'news', key: NEWS, publish: ['news'] },
      { name: 'limited', key: LIMITED, publish: ['news'], publishRate: 3 },
      { name: 'creator', key: CREATOR, publish: ['made.*'], createTopics: true },
    ]),
    // A minute-long window: the rate test sends its requests well inside one.
    HERALD_LIMIT_PUBLISH_WINDOW_MS: '60000',
    HERALD_LIMIT_TOPIC_CREATIONS_PER_KEY: '3',
  },
})

const url = (path: string): string => `${stack().url}${path}`
/** Both producers' own addresses, bypassing nginx, so each request goes where the test says. */
function producers(): [string, string] {
  const [first, second] = stack()
    .instances.filter((instance) => instance.kind === 'producer')
    .map((instance) => instance.url)
  if (first === undefined || second === undefined) throw new Error('expected two producers')
  return [first, second]
}

function expectError(answer: Answer, status: number, code: string, message?: RegExp): void {
  expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code })
  if (message !== undefined) expect(answer.body.error?.message).toMatch(message)
}

describe('publisher keys', () => {
  it('answers 401 without a key, on every publishing route, saying how to authenticate', async () => {
    for (const [method, path, body] of [
      ['POST', '/notify', { topic: 'orders', message: 1 }],
      ['POST', '/notify/batch', [{ topic: 'orders', message: 1 }]],
      ['POST', '/topics', { name: 'orders.new' }],
      ['GET', '/topics', undefined],
      ['GET', '/topics/orders/messages', undefined],
    ] as const) {
      const answer = await call(url(path), { method, body })
      expectError(answer, 401, 'unauthorized', /Authorization: Bearer/)
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="herald"')
    }
  })

  it('answers 401 to an unknown key', async () => {
    const answer = await call(url('/notify'), {
      method: 'POST',
      bearer: 'hk_not_a_configured_key_000000000',
      body: { topic: 'orders', message: 1 },
    })
    expectError(answer, 401, 'unauthorized', /unknown key/)
  })

  it('accepts the current and the next key alike during a rotation', async () => {
    const topic = uniqueTopic('rotation').replace(/^test\./, 'orders.')
    for (const bearer of [BILLING, BILLING_NEXT]) {
      const answer = await call(url('/notify'), {
        method: 'POST',
        bearer,
        body: { topic, message: bearer.slice(0, 10) },
      })
      expect(answer.status).toBe(202)
    }
  })

  it('answers 403 naming the key and the topic outside its patterns, alone or in a batch', async () => {
    const single = await call(url('/notify'), {
      method: 'POST',
      bearer: NEWS,
      body: { topic: 'orders', message: 1 },
    })
    expectError(single, 403, 'forbidden', /key "news" may not publish to "orders"/)
    const batch = await call(url('/notify/batch'), {
      method: 'POST',
      bearer: BILLING,
      body: [
        { topic: 'orders', message: 1 },
        { topic: 'user.42.private', message: 2 },
      ],
    })
    expect(batch.status).toBe(200)
    expect(batch.body).toMatchObject({
      accepted: 1,
      failed: 1,
      results: [
        { status: 202 },
        {
          status: 403,
          error: { code: 'forbidden', message: expect.stringMatching(/user\.42/) as string },
        },
      ],
    })
  })

  it('lets only a key with createTopics create a topic, on first use or with POST /topics', async () => {
    expectError(
      await call(url('/notify'), {
        method: 'POST',
        bearer: NEWS,
        body: { topic: 'news', message: 1 },
      }),
      403,
      'forbidden',
      /may not create topics/,
    )
    expectError(
      await call(url('/topics'), { method: 'POST', bearer: NEWS, body: { name: 'news' } }),
      403,
      'forbidden',
    )
    expect(
      (await call(url('/topics'), { method: 'POST', bearer: BILLING, body: { name: 'news' } }))
        .status,
    ).toBe(201)
    expect(
      (
        await call(url('/notify'), {
          method: 'POST',
          bearer: NEWS,
          body: { topic: 'news', message: 1 },
        })
      ).status,
    ).toBe(202)
  })

  it('lists only the topics a key or a token holds grants on', async () => {
    const names = async (bearer: string): Promise<string[]> => {
      const answer = await call(url('/topics'), { bearer })
      expect(answer.status).toBe(200)
      return (answer.body.topics as { name: string }[]).map(({ name }) => name)
    }
    await call(url('/topics'), { method: 'POST', bearer: BILLING, body: { name: 'orders' } })
    expect(await names(BILLING)).toEqual(expect.arrayContaining(['orders', 'news']))
    expect(await names(NEWS)).toEqual(['news'])
    expect(await names(await token('user-1', ['orders#user-1']))).toEqual(['orders'])
  })
})

describe('history with a token', () => {
  it('serves what the token watches, 403 for the rest, and tells an expired token apart', async () => {
    await call(url('/topics'), { method: 'POST', bearer: BILLING, body: { name: 'orders' } })
    const posted = await call(url('/notify'), {
      method: 'POST',
      bearer: BILLING,
      body: { topic: 'orders', key: 'user-7', message: 'for user 7' },
    })
    expect(posted.status).toBe(202)
    const user7 = await token('user-7', ['orders#user-7'])
    const own = await call(url('/topics/orders/messages?key=user-7'), { bearer: user7 })
    expect(own.status).toBe(200)
    expect(own.body.messages).toContainEqual(
      expect.objectContaining({ key: 'user-7', message: 'for user 7' }),
    )
    expectError(
      await call(url('/topics/orders/messages'), { bearer: user7 }),
      403,
      'forbidden',
      /"orders"/,
    )
    expectError(
      await call(url('/topics/orders/messages?key=user-8'), { bearer: user7 }),
      403,
      'forbidden',
      /"orders#user-8"/,
    )
    expectError(await call(url('/topics/orders/position'), { bearer: user7 }), 403, 'forbidden')
    const expired = await token('user-7', ['orders#user-7'], { ttlSeconds: -10 })
    expectError(
      await call(url('/topics/orders/messages?key=user-7'), { bearer: expired }),
      401,
      'token_expired',
    )
  })

  it('refuses to let a token publish', async () => {
    expectError(
      await call(url('/notify'), {
        method: 'POST',
        bearer: await token('user-7', ['*']),
        body: { topic: 'orders', message: 1 },
      }),
      401,
      'unauthorized',
      /unknown key/,
    )
  })
})

describe('limits shared by both producers', () => {
  it('counts one publish rate for a key, whichever producer answers', async () => {
    const [first, second] = producers()
    await call(url('/topics'), { method: 'POST', bearer: BILLING, body: { name: 'news' } })
    const post = (base: string): Promise<Answer> =>
      call(`${base}/notify`, {
        method: 'POST',
        bearer: LIMITED,
        body: { topic: 'news', message: 1 },
      })
    const statuses = [await post(first), await post(second), await post(first)].map((a) => a.status)
    expect(statuses).toEqual([202, 202, 202])
    for (const base of [second, first]) {
      const refused = await post(base)
      expectError(
        refused,
        429,
        'rate_limited',
        /"limited" may publish 3 notifications per 60000 ms/,
      )
      const retryAfter = Number(refused.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(60)
    }
    // Other keys have limits of their own.
    expect(
      (
        await call(`${first}/notify`, {
          method: 'POST',
          bearer: NEWS,
          body: { topic: 'news', message: 1 },
        })
      ).status,
    ).toBe(202)
  })

  it('counts refusals on /metrics by key name and reason, never by a secret', async () => {
    const [first] = producers()
    const before = await scrapeMetrics(first)
    const notify = (bearer?: string): Promise<Answer> =>
      call(`${first}/notify`, {
        method: 'POST',
        ...(bearer === undefined ? {} : { bearer }),
        body: { topic: 'orders', message: 1 },
      })
    expectError(await notify(), 401, 'unauthorized')
    expectError(await notify('hk_nobody_knows_this_key_00000000'), 401, 'unauthorized')
    expectError(await notify(NEWS), 403, 'forbidden')
    const after = await scrapeMetrics(first)
    const grew = (series: string): number => total([after], series) - total([before], series)
    expect(grew('herald_auth_failures_total{key="none",reason="unauthorized"}')).toBe(1)
    expect(grew('herald_auth_failures_total{key="unknown",reason="unauthorized"}')).toBe(1)
    expect(grew('herald_auth_failures_total{key="news",reason="forbidden"}')).toBe(1)
    for (const series of after.keys()) {
      expect(series).not.toContain(NEWS)
      expect(series).not.toContain('hk_nobody')
    }
  })

  it('counts one topic-creation limit for a key, whichever producer answers', async () => {
    const [first, second] = producers()
    const topic = (): string => uniqueTopic('made').replace(/^test\./, '')
    const created = [
      await call(`${first}/notify`, {
        method: 'POST',
        bearer: CREATOR,
        body: { topic: topic(), message: 1 },
      }),
      await call(`${second}/topics`, { method: 'POST', bearer: CREATOR, body: { name: topic() } }),
      await call(`${first}/topics`, { method: 'POST', bearer: CREATOR, body: { name: topic() } }),
    ].map((answer) => answer.status)
    expect(created).toEqual([202, 201, 201])
    const refused = await call(`${second}/notify`, {
      method: 'POST',
      bearer: CREATOR,
      body: { topic: topic(), message: 1 },
    })
    expectError(refused, 429, 'rate_limited', /"creator" may create 3 topics per hour/)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60)
  })
})

describe('health', () => {
  it('says access is on, with no warning', async () => {
    for (const base of producers()) {
      const health = await call(`${base}/healthz`)
      expect(health.body).toMatchObject({ status: 'ok', access: 'keys' })
      expect(health.body).not.toHaveProperty('warning')
    }
  })
})
