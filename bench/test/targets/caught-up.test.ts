import { describe, expect, it } from 'vitest'

import { recordsBehind } from '../../src/targets/caught-up.js'

describe('recordsBehind', () => {
  it('sums what every consumer has left to deliver', () => {
    expect(
      recordsBehind([
        { lagRecords: 0, paused: null },
        { lagRecords: 0, paused: null },
      ]),
    ).toBe(0)
    expect(
      recordsBehind([
        { lagRecords: 1200, paused: null },
        { lagRecords: 3, paused: null },
      ]),
    ).toBe(1203)
  })

  it('counts a consumer waiting for its sockets as behind, even with nothing fetched left', () => {
    expect(recordsBehind([{ lagRecords: 0, paused: 'outbound' }])).toBe(1)
    expect(recordsBehind([{ lagRecords: 40, paused: 'redis' }])).toBe(40)
  })

  it('cannot count a consumer that does not answer', () => {
    expect(recordsBehind([{ lagRecords: 0, paused: null }, undefined])).toBe('unknown')
  })
})
