import { describe, expect, it } from 'vitest'

import { OffsetTally } from '../../src/soak/offset-tally.js'

describe('OffsetTally', () => {
  it('counts consecutive offsets per partition from the ack positions, and nothing missing', () => {
    const tally = new OffsetTally()
    tally.startAt({ '0': '5', '1': '0' })
    for (const offset of [5, 6, 7]) tally.received(0, offset)
    tally.received(1, 0)
    expect(tally.counts()).toEqual({ received: 4, duplicates: 0, skipped: 0 })
    expect(tally.position()).toEqual({ '0': '8', '1': '1' })
    expect(tally.missingAgainst({ '0': '8', '1': '1' })).toBe(0)
  })

  it('counts a repeat as a duplicate and a jump as skipped records', () => {
    const tally = new OffsetTally()
    tally.startAt({ '0': '0' })
    tally.received(0, 0)
    tally.received(0, 0)
    tally.received(0, 3)
    expect(tally.counts()).toEqual({ received: 2, duplicates: 1, skipped: 2 })
  })

  it('counts what is short of the end, and a partition never positioned as missing whole', () => {
    const tally = new OffsetTally()
    tally.startAt({ '0': '0' })
    tally.received(0, 0)
    expect(tally.missingAgainst({ '0': '4', '1': '3' })).toBe(3 + 3)
  })

  it('keeps the first position of a partition when positions come again', () => {
    const tally = new OffsetTally()
    tally.startAt({ '0': '2' })
    tally.startAt({ '0': '9' })
    expect(tally.position()).toEqual({ '0': '2' })
  })
})
