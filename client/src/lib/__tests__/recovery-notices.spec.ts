import type { RecoveryVerdict } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { applyVerdicts, noticeText } from '../recovery-notices'

const expired = (replayed = 0): RecoveryVerdict => ({
  status: 'not_recovered',
  replayed,
  reason: 'position_expired',
})
const reset: RecoveryVerdict = { status: 'not_recovered', replayed: 0, reason: 'unknown_position' }
const recovered = (replayed: number): RecoveryVerdict => ({ status: 'recovered', replayed })

describe('recovery notices', () => {
  it('shows a gap per topic that could not be recovered, and nothing for a first subscription', () => {
    const notices = applyVerdicts(
      [],
      [
        ['orders', expired(2)],
        ['alerts', reset],
        ['fresh', { status: 'new', replayed: 0 }],
      ],
    )

    expect(notices).toEqual([
      { kind: 'gap', topic: 'orders', reason: 'position_expired', replayed: 2 },
      { kind: 'gap', topic: 'alerts', reason: 'unknown_position', replayed: 0 },
    ])
  })

  it('notes a recovery only when something was replayed', () => {
    expect(applyVerdicts([], [['orders', recovered(12)]])).toEqual([
      { kind: 'recovered', topic: 'orders', replayed: 12 },
    ])
    expect(applyVerdicts([], [['orders', recovered(0)]])).toEqual([])
  })

  it('keeps a gap through a later recovery, whose note replaces the earlier one', () => {
    let notices = applyVerdicts([], [['orders', recovered(3)]])
    notices = applyVerdicts(notices, [['orders', expired()]])
    expect(notices).toEqual([
      { kind: 'gap', topic: 'orders', reason: 'position_expired', replayed: 0 },
    ])

    notices = applyVerdicts(notices, [['orders', recovered(5)]])
    notices = applyVerdicts(notices, [['orders', recovered(0)]])
    expect(notices).toEqual([
      { kind: 'gap', topic: 'orders', reason: 'position_expired', replayed: 0 },
    ])
  })

  it("replaces a topic's gap with the latest one rather than adding a second", () => {
    const notices = applyVerdicts(applyVerdicts([], [['orders', expired()]]), [['orders', reset]])

    expect(notices).toEqual([
      { kind: 'gap', topic: 'orders', reason: 'unknown_position', replayed: 0 },
    ])
  })

  it('says why each gap could not be filled', () => {
    expect(
      noticeText({ kind: 'gap', topic: 'orders', reason: 'position_expired', replayed: 0 }),
    ).toBe(
      "Some messages on orders could not be recovered: they are older than the topic's retention.",
    )
    expect(
      noticeText({ kind: 'gap', topic: 'orders', reason: 'position_expired', replayed: 1 }),
    ).toBe(
      "Some messages on orders could not be recovered: they are older than the topic's retention. The 1 still kept was recovered.",
    )
    expect(
      noticeText({ kind: 'gap', topic: 'orders', reason: 'unknown_position', replayed: 0 }),
    ).toBe(
      'Some messages on orders could not be recovered: the topic was reset. What the feed showed from before the reset was cleared.',
    )
  })

  it('words a recovery briefly', () => {
    expect(noticeText({ kind: 'recovered', topic: 'orders', replayed: 1234 })).toBe(
      'recovered 1,234 missed messages on orders',
    )
    expect(noticeText({ kind: 'recovered', topic: 'orders', replayed: 1 })).toBe(
      'recovered 1 missed message on orders',
    )
  })
})
