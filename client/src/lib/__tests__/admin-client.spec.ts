import { describe, expect, it, vi } from 'vitest'

import { createAdminClient } from '../admin-client'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

function answering(...responses: Response[]) {
  const fetchFn = vi.fn<typeof fetch>()
  for (const response of responses) fetchFn.mockResolvedValueOnce(response)
  return fetchFn
}

const headerOf = (fetchFn: ReturnType<typeof answering>, name: string, call = 0) =>
  new Headers(fetchFn.mock.calls[call]?.[1]?.headers).get(name)

describe('admin client', () => {
  it('reads the instances with the admin token as a bearer, never in the URL', async () => {
    const report = { instances: [{ name: 'consumer-1', role: 'consumer' }], groupLagRecords: 3 }
    const fetchFn = answering(json(200, report))
    const result = await createAdminClient(() => 'admin-jwt', fetchFn).instances()

    expect(result).toEqual({ ok: true, value: report })
    expect(fetchFn.mock.calls[0]?.[0]).toBe('/admin/instances')
    expect(headerOf(fetchFn, 'authorization')).toBe('Bearer admin-jwt')
  })

  it('asks for one page of topics with the search, limit and offset', async () => {
    const fetchFn = answering(json(200, { total: 1000, topics: [] }))
    await createAdminClient(() => 't', fetchFn).topics({ search: 'a b&c', limit: 50, offset: 100 })

    const url = new URL(fetchFn.mock.calls[0]?.[0] as string, 'http://page')
    expect(url.pathname).toBe('/admin/topics')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      search: 'a b&c',
      limit: '50',
      offset: '100',
    })
  })

  it('answers the dead letters as a list', async () => {
    const letter = { reason: 'not_utf8', topic: 'orders', partition: 0, offset: '4' }
    const fetchFn = answering(json(200, { deadLetters: [letter] }))
    const result = await createAdminClient(() => 't', fetchFn).deadLetters(20)

    expect(result).toEqual({ ok: true, value: [letter] })
    expect(fetchFn.mock.calls[0]?.[0]).toBe('/admin/dead-letters?limit=20')
  })

  it("answers the API's own error for a token that is not an admin's", async () => {
    const error = { code: 'forbidden', message: 'the token is not an admin token' }
    const result = await createAdminClient(() => 't', answering(json(403, { error }))).instances()
    expect(result).toEqual({ ok: false, error })
  })

  it('says what answered when it is not herald', async () => {
    const html = new Response('<html>gateway</html>', { status: 502, statusText: 'Bad Gateway' })
    const result = await createAdminClient(() => 't', answering(html)).instances()
    expect(result).toEqual({
      ok: false,
      error: { code: 'http_502', message: 'unexpected answer: 502 Bad Gateway' },
    })
  })

  it('reads the latest history page, then pages on from a position', async () => {
    const page = { topic: 'a.b', messages: [], next: { '0': '12', '1': '7' } }
    const fetchFn = answering(json(200, page), json(200, page))
    const admin = createAdminClient(() => 't', fetchFn)

    await expect(admin.history('a.b', { limit: 25 })).resolves.toEqual({ ok: true, value: page })
    await admin.history('a.b', { limit: 25, since: { '1': '7', '0': '12' } })

    expect(fetchFn.mock.calls[0]?.[0]).toBe('/topics/a.b/messages?limit=25')
    const url = new URL(fetchFn.mock.calls[1]?.[0] as string, 'http://page')
    expect(url.searchParams.get('since')).toBe('0:12,1:7')
    expect(headerOf(fetchFn, 'authorization', 1)).toBe('Bearer t')
  })
})
