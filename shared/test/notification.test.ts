import { describe, expect, it } from 'vitest'

import { KEY_MAX_LENGTH, validateNotifyRequest } from '../src/notification.js'

describe('validateNotifyRequest', () => {
  it('accepts topic and message, with or without a key', () => {
    expect(validateNotifyRequest({ topic: 't', message: 'hi' })).toEqual({
      ok: true,
      value: { topic: 't', message: 'hi' },
    })
    expect(validateNotifyRequest({ topic: 't', message: { a: [1] }, key: 'k' })).toEqual({
      ok: true,
      value: { topic: 't', message: { a: [1] }, key: 'k' },
    })
  })

  it.each([0, false, '', [], {}])('accepts the falsy-looking message %j', (message) => {
    expect(validateNotifyRequest({ topic: 't', message }).ok).toBe(true)
  })

  it.each([
    [null, 'invalid_body'],
    [[], 'invalid_body'],
    ['text', 'invalid_body'],
    [{ topic: 't', message: 1, extra: true }, 'invalid_body'],
    [{ message: 1 }, 'invalid_topic'],
    [{ topic: 'bad topic', message: 1 }, 'invalid_topic'],
    [{ topic: 't' }, 'invalid_message'],
    [{ topic: 't', message: null }, 'invalid_message'],
    [{ topic: 't', message: 1, key: 1 }, 'invalid_key'],
    [{ topic: 't', message: 1, key: '' }, 'invalid_key'],
    [{ topic: 't', message: 1, key: 'k'.repeat(KEY_MAX_LENGTH + 1) }, 'invalid_key'],
  ])('refuses %j with %s', (body, code) => {
    const result = validateNotifyRequest(body)
    expect(result).toMatchObject({ ok: false, code })
    expect(result.ok === false && result.message.length > 0).toBe(true)
  })

  it('names the unknown field', () => {
    expect(validateNotifyRequest({ topic: 't', message: 1, msg: 2 })).toMatchObject({
      message: expect.stringContaining('"msg"') as string,
    })
  })
})
