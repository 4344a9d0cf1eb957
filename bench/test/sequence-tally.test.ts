import { describe, expect, it } from 'vitest'

import { SequenceTally } from '../src/scenarios/sequence-tally.js'

describe('SequenceTally', () => {
  it('counts what was lost and what came twice, per stream', () => {
    const tally = new SequenceTally()
    for (let i = 0; i < 3; i += 1) tally.sent('a')
    tally.sent('b')
    expect(tally.received('a', 0)).toBe(true)
    expect(tally.received('a', 0)).toBe(false)
    tally.received('a', 2)
    expect(tally.complete()).toBe(false)
    expect(tally.counts()).toEqual({ sent: 4, received: 2, lost: 2, duplicated: 1 })
    tally.received('a', 1)
    tally.received('b', 0)
    expect(tally.complete()).toBe(true)
    expect(tally.counts()).toEqual({ sent: 4, received: 4, lost: 0, duplicated: 1 })
  })

  it('numbers each stream from zero', () => {
    const tally = new SequenceTally()
    expect([tally.sent('a'), tally.sent('a'), tally.sent('b')]).toEqual([0, 1, 0])
  })
})
