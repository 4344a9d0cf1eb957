import { describe, expect, it } from 'vitest'

import { parseMessageText, toNotifyRequest } from '../notify-draft'

describe('parseMessageText', () => {
  it('sends text that parses as JSON as that value', () => {
    expect(parseMessageText('{"id": 1}')).toEqual({ id: 1 })
    expect(parseMessageText('[1, "a"]')).toEqual([1, 'a'])
    expect(parseMessageText('42')).toBe(42)
    expect(parseMessageText('"quoted"')).toBe('quoted')
  })

  it('sends anything else as the text itself', () => {
    expect(parseMessageText('hello')).toBe('hello')
    expect(parseMessageText('{not json')).toBe('{not json')
    expect(parseMessageText('')).toBe('')
  })
})

describe('toNotifyRequest', () => {
  it('builds the body with a trimmed topic and no key when the key is empty', () => {
    expect(toNotifyRequest({ topic: ' orders ', message: '{"id":1}', key: '' })).toEqual({
      ok: true,
      value: { topic: 'orders', message: { id: 1 } },
    })
  })

  it('keeps a key as typed', () => {
    expect(toNotifyRequest({ topic: 'orders', message: 'hi', key: 'user 7' })).toEqual({
      ok: true,
      value: { topic: 'orders', message: 'hi', key: 'user 7' },
    })
  })

  it("refuses what the API refuses, with the contract's code and message", () => {
    expect(toNotifyRequest({ topic: '__x', message: 'hi', key: '' })).toMatchObject({
      ok: false,
      code: 'invalid_topic',
      message: expect.stringContaining('reserved') as unknown,
    })
    expect(toNotifyRequest({ topic: 'orders', message: 'null', key: '' })).toMatchObject({
      ok: false,
      code: 'invalid_message',
    })
  })
})
