import { describe, expect, it } from 'vitest'

import { entryCovers, isWatchable, topicOfEntry, watchProblem } from '../watch-entries'

describe('watch entries', () => {
  it('watches topics and keyed streams, never patterns', () => {
    expect(isWatchable('orders')).toBe(true)
    expect(isWatchable('orders#user-42')).toBe(true)
    expect(isWatchable('orders#a#b')).toBe(true)
    expect(watchProblem('orders.*')).toMatch(/orders#user-42/)
    expect(watchProblem('*')).toBeDefined()
    expect(watchProblem('orders#')).toMatch(/key must be 1 to 1024/)
    expect(watchProblem('#k')).toBeDefined()
    expect(watchProblem(`orders#${'k'.repeat(1025)}`)).toBeDefined()
  })

  it("reads a keyed stream's topic", () => {
    expect(topicOfEntry('orders#a#b')).toBe('orders')
    expect(topicOfEntry('orders')).toBe('orders')
  })

  it('shows a keyed stream only its key of its topic', () => {
    expect(entryCovers('orders#u1', { topic: 'orders', key: 'u1' })).toBe(true)
    expect(entryCovers('orders#u1', { topic: 'orders', key: 'u2' })).toBe(false)
    expect(entryCovers('orders#u1', { topic: 'orders', key: null })).toBe(false)
    expect(entryCovers('orders#u1', { topic: 'alerts', key: 'u1' })).toBe(false)
    expect(entryCovers('orders', { topic: 'orders', key: 'u2' })).toBe(true)
  })
})
