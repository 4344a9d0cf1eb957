import { describe, expect, it } from 'vitest'

import { RecoveryTally } from '../src/recovery-tally.js'

describe('RecoveryTally', () => {
  it('counts one outcome per entry, a gap by its reason, and every replayed record', () => {
    const tally = new RecoveryTally()
    tally.add({ a: { status: 'new', replayed: 0 }, b: { status: 'recovered', replayed: 3 } })
    tally.add({
      c: { status: 'recovered', replayed: 2 },
      d: { status: 'not_recovered', replayed: 1, reason: 'position_expired' },
      e: { status: 'not_recovered', replayed: 0, reason: 'scan_limit' },
    })
    expect(tally.byOutcome).toEqual({
      new: 1,
      recovered: 2,
      position_expired: 1,
      unknown_position: 0,
      scan_limit: 1,
    })
    expect(tally.replayed).toBe(6)
  })
})
