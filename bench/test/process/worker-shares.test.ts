import { describe, expect, it } from 'vitest'

import { shareOf, sumConnections } from '../../src/process/worker-shares.js'

describe('worker shares', () => {
  it('spreads every subscriber over the workers, the first ones taking the remainder', () => {
    expect([0, 1, 2].map((i) => shareOf(10, 3, i))).toEqual([4, 3, 3])
    expect([0, 1].map((i) => shareOf(10_000, 2, i))).toEqual([5000, 5000])
  })

  it('adds up what the workers connected and keeps the first error', () => {
    expect(
      sumConnections([
        { connected: 5, failed: 0 },
        { connected: 3, failed: 2, firstError: 'refused' },
        { connected: 1, failed: 1, firstError: 'timeout' },
      ]),
    ).toEqual({ connected: 9, failed: 3, firstError: 'refused' })
  })
})
