import { describe, expect, it } from 'vitest'

import { parseTopicsPayload } from '../src/subscription.js'

describe('parseTopicsPayload', () => {
  it('reads {"topics": [...]} and a bare array alike, collapsing duplicates', () => {
    expect(parseTopicsPayload({ topics: ['a', 'b', 'a'] })).toEqual({
      ok: true,
      topics: ['a', 'b'],
    })
    expect(parseTopicsPayload(['a'])).toEqual({ ok: true, topics: ['a'] })
  })

  it.each([
    [undefined, 'invalid_subscription'],
    ['a', 'invalid_subscription'],
    [{ topic: 'a' }, 'invalid_subscription'],
    [{ topics: 'a' }, 'invalid_subscription'],
    [[], 'invalid_subscription'],
    [['ok', 'not ok'], 'invalid_topic'],
    [[7], 'invalid_topic'],
  ])('refuses %j with %s', (payload, code) => {
    expect(parseTopicsPayload(payload)).toMatchObject({ ok: false, error: { code } })
  })

  it('says which entry is wrong', () => {
    expect(parseTopicsPayload(['ok', '__internal'])).toMatchObject({
      error: { message: expect.stringContaining('topics[1]') as string },
    })
  })
})
