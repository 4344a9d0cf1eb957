import { describe, expect, it } from 'vitest'

import { formatCount, formatMessage, formatTime } from '../format'

describe('formatMessage', () => {
  it('shows a string as it is, markup included', () => {
    expect(formatMessage('<b>hi</b>\nthere')).toEqual({ kind: 'text', text: '<b>hi</b>\nthere' })
  })

  it('pretty-prints objects and arrays', () => {
    expect(formatMessage({ id: 1, tags: ['a'] })).toEqual({
      kind: 'json',
      text: '{\n  "id": 1,\n  "tags": [\n    "a"\n  ]\n}',
    })
    expect(formatMessage([1, 2])).toEqual({ kind: 'json', text: '[\n  1,\n  2\n]' })
  })

  it('shows other JSON values, and a tombstone, as JSON', () => {
    expect(formatMessage(42)).toEqual({ kind: 'json', text: '42' })
    expect(formatMessage(false)).toEqual({ kind: 'json', text: 'false' })
    expect(formatMessage(null)).toEqual({ kind: 'json', text: 'null' })
  })
})

describe('formatTime', () => {
  it('shows a 24-hour time with milliseconds', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 67))).toMatch(/^\d{2}:\d{2}:05\.067$/)
  })
})

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(4321)).toBe('4,321')
    expect(formatCount(7)).toBe('7')
  })
})
