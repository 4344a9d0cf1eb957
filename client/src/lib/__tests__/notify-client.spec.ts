import type { NotifyRequest } from '@herald/shared'
import { describe, expect, it, vi } from 'vitest'

import { createNotifyClient } from '../notify-client'

const request: NotifyRequest = { topic: 'orders', message: { id: 1 }, key: 'k' }

function answering(response: Response | Error) {
  return vi.fn<typeof fetch>(() =>
    response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
  )
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

describe('notify client', () => {
  it('posts the request as JSON to /notify on the same origin', async () => {
    const fetchFn = answering(
      json(202, { topic: 'orders', partition: 2, offset: '41', timestamp: 1 }),
    )
    await createNotifyClient(fetchFn)(request)

    const [url, init] = fetchFn.mock.calls[0] ?? []
    expect(url).toBe('/notify')
    expect(init?.method).toBe('POST')
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json')
    expect(JSON.parse(init?.body as string)).toEqual(request)
  })

  it('answers the receipt of a 202', async () => {
    const receipt = { topic: 'orders', partition: 2, offset: '41', timestamp: 1 }
    await expect(createNotifyClient(answering(json(202, receipt)))(request)).resolves.toEqual({
      ok: true,
      receipt,
    })
  })

  it("answers the API's error code and message", async () => {
    const error = { code: 'kafka_unavailable', message: 'Kafka did not acknowledge in time' }
    await expect(createNotifyClient(answering(json(503, { error })))(request)).resolves.toEqual({
      ok: false,
      error,
    })
  })

  it('says so when the answer is not herald’s', async () => {
    const html = new Response('<html>Bad Gateway</html>', {
      status: 502,
      statusText: 'Bad Gateway',
    })
    await expect(createNotifyClient(answering(html))(request)).resolves.toEqual({
      ok: false,
      error: { code: 'http_502', message: 'unexpected answer: 502 Bad Gateway' },
    })
  })

  it('says so when herald cannot be reached', async () => {
    const result = await createNotifyClient(answering(new TypeError('Failed to fetch')))(request)
    expect(result).toEqual({
      ok: false,
      error: { code: 'network_error', message: 'herald is unreachable: Failed to fetch' },
    })
  })
})

describe('notify client with a credential', () => {
  it('sends the token it reads at each send as a bearer', async () => {
    const fetchFn = vi.fn<typeof fetch>(() =>
      Promise.resolve(json(202, { topic: 'orders', partition: 0, offset: '1', timestamp: 1 })),
    )
    let current = 'first'
    const send = createNotifyClient(fetchFn, { token: () => current })
    await send(request)
    current = 'second'
    await send(request)

    const authorizations = fetchFn.mock.calls.map(([, init]) =>
      new Headers(init?.headers).get('authorization'),
    )
    expect(authorizations).toEqual(['Bearer first', 'Bearer second'])
  })

  it('sends no Authorization header without a token', async () => {
    const fetchFn = answering(
      json(202, { topic: 'orders', partition: 0, offset: '1', timestamp: 1 }),
    )
    await createNotifyClient(fetchFn)(request)
    expect(new Headers(fetchFn.mock.calls[0]?.[1]?.headers).has('authorization')).toBe(false)
  })
})
