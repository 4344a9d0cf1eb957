import { describe, expect, it } from 'vitest'

import {
  entryOf,
  isPattern,
  keyedStreamOf,
  parseSubscription,
  patternMatches,
  roomOf,
  roomsForRecord,
  subscriptionProblem,
} from '../src/subscription.js'

describe('parseSubscription', () => {
  it('reads {"topics": [...]} and a bare array alike, collapsing duplicates', () => {
    expect(parseSubscription({ topics: ['a', 'b', 'a'] })).toEqual({
      ok: true,
      request: { entries: ['a', 'b'] },
    })
    expect(parseSubscription(['a', 'orders.*'])).toEqual({
      ok: true,
      request: { entries: ['a', 'orders.*'] },
    })
  })

  it('keeps the positions of a re-subscription', () => {
    const positions = { a: { '0': '12', '2': '0' } }
    expect(parseSubscription({ topics: ['a'], positions })).toEqual({
      ok: true,
      request: { entries: ['a'], positions },
    })
  })

  it.each([
    [undefined, 'invalid_subscription'],
    ['a', 'invalid_subscription'],
    [{ topic: 'a' }, 'invalid_subscription'],
    [{ topics: 'a' }, 'invalid_subscription'],
    [[], 'invalid_subscription'],
    [['ok', 'not ok'], 'invalid_topic'],
    [[7], 'invalid_topic'],
    [['or*ders'], 'invalid_topic'],
    [['.*'], 'invalid_topic'],
    [{ topics: ['a'], positions: { a: { '0': 12 } } }, 'invalid_position'],
    [{ topics: ['a'], positions: { a: { x: '1' } } }, 'invalid_position'],
    [{ topics: ['a'], positions: { 'bad topic': {} } }, 'invalid_position'],
    [{ topics: ['a'], positions: [] }, 'invalid_position'],
  ])('refuses %j with %s', (payload, code) => {
    expect(parseSubscription(payload)).toMatchObject({ ok: false, error: { code } })
  })

  it('says which entry is wrong', () => {
    expect(parseSubscription(['ok', '__internal'])).toMatchObject({
      error: { message: expect.stringContaining('topics[1]') as string },
    })
  })
})

describe('patterns', () => {
  it('knows "*" and "<prefix>.*" as patterns, and nothing else', () => {
    expect(isPattern('*')).toBe(true)
    expect(isPattern('orders.*')).toBe(true)
    expect(isPattern('orders')).toBe(false)
    expect(subscriptionProblem('orders.eu.*')).toBeUndefined()
    expect(subscriptionProblem('or*')).toContain('pattern')
  })

  it('matches topics by prefix at any depth', () => {
    expect(patternMatches('orders.*', 'orders.eu')).toBe(true)
    expect(patternMatches('orders.*', 'orders.eu.paris')).toBe(true)
    expect(patternMatches('orders.*', 'orders')).toBe(false)
    expect(patternMatches('orders.*', 'ordersx.eu')).toBe(false)
    expect(patternMatches('*', 'anything')).toBe(true)
  })

  it('sends a record to its topic room and the room of every pattern that matches it', () => {
    expect(roomsForRecord('orders.eu.paris', null).sort()).toEqual(
      ['orders.eu.paris', 'pattern:*', 'pattern:orders.*', 'pattern:orders.eu.*'].sort(),
    )
    for (const room of roomsForRecord('a.b.c', null)) {
      const entry = entryOf(room) as string
      expect(entry === 'a.b.c' || patternMatches(entry, 'a.b.c')).toBe(true)
    }
  })

  it("sends a keyed record to its key's stream as well", () => {
    expect(roomsForRecord('orders', 'user-42')).toEqual([
      'orders',
      'pattern:*',
      'key:orders#user-42',
    ])
    expect(entryOf('key:orders#user-42')).toBe('orders#user-42')
  })

  it('maps entries to rooms and back', () => {
    expect(roomOf('orders.*')).toBe('pattern:orders.*')
    expect(entryOf(roomOf('orders.*'))).toBe('orders.*')
    expect(entryOf(roomOf('orders'))).toBe('orders')
    expect(entryOf(roomOf('orders#a#b'))).toBe('orders#a#b')
  })
})

describe('keyed streams', () => {
  it('splits an entry at its first "#": the key may hold any character, "#" and "*" too', () => {
    expect(keyedStreamOf('orders#user-42')).toEqual({ topic: 'orders', key: 'user-42' })
    expect(keyedStreamOf('orders#a#b.*')).toEqual({ topic: 'orders', key: 'a#b.*' })
    expect(keyedStreamOf('orders')).toBeUndefined()
    expect(isPattern('orders#x.*')).toBe(false)
    expect(subscriptionProblem('orders#x.*')).toBeUndefined()
  })

  it.each([
    ['orders#', /key must be 1 to 1024 characters/],
    ['#x', /topic must not be empty/],
    [`orders#${'k'.repeat(1025)}`, /key must be 1 to 1024 characters/],
    ['bad topic#x', /topic may only contain/],
  ])('refuses %s', (entry, problem) => {
    expect(subscriptionProblem(entry)).toMatch(problem)
    expect(parseSubscription([entry])).toMatchObject({
      ok: false,
      error: { code: 'invalid_topic' },
    })
  })

  it('accepts a key of exactly 1,024 characters', () => {
    expect(subscriptionProblem(`orders#${'k'.repeat(1024)}`)).toBeUndefined()
  })
})
