import { describe, expect, it } from 'vitest'

import { firstUngranted, grantCovers } from '../../src/access/grants.js'

describe('grantCovers', () => {
  it.each([
    ['orders', 'orders', true],
    ['orders', 'orders#user-42', true],
    ['orders', 'orders.eu', false],
    ['orders#user-42', 'orders#user-42', true],
    ['orders#user-42', 'orders#user-43', false],
    ['orders#user-42', 'orders', false],
    ['orders.*', 'orders.eu', true],
    ['orders.*', 'orders.eu#user-1', true],
    ['orders.*', 'orders.eu.*', true],
    ['orders.eu.*', 'orders.*', false],
    ['orders.*', 'orders', false],
    ['orders.*', '*', false],
    ['*', 'anything', true],
    ['*', 'a.*', true],
    ['*', '*', true],
    ['user.42.*', 'user.43.private', false],
  ])('%s covers %s: %s', (grant, entry, covered) => {
    expect(grantCovers(grant, entry)).toBe(covered)
  })
})

describe('firstUngranted', () => {
  it('names the first entry no grant covers', () => {
    expect(
      firstUngranted(['orders', 'user.42.*'], ['orders', 'user.42.inbox', 'user.43.inbox']),
    ).toBe('user.43.inbox')
  })

  it('is undefined when every entry is covered, and for no entries', () => {
    expect(firstUngranted(['orders.*'], ['orders.eu', 'orders.us#k'])).toBeUndefined()
    expect(firstUngranted([], [])).toBeUndefined()
  })

  it('grants nothing without grants', () => {
    expect(firstUngranted([], ['*'])).toBe('*')
  })
})
