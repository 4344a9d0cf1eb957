import { describe, expect, it } from 'vitest'

import { SequenceTally } from '../../src/scenarios/sequence-tally.js'

describe('SequenceTally', () => {
  it('numbers each topic from zero', () => {
    const tally = new SequenceTally()
    expect([tally.next('a'), tally.next('a'), tally.next('b')]).toEqual([0, 1, 0])
  })

  it('counts what was lost and what came twice, per topic', () => {
    const tally = new SequenceTally()
    for (let i = 0; i < 3; i += 1) tally.accepted('a', tally.next('a'))
    tally.accepted('b', tally.next('b'))
    expect(tally.received('a', 0)).toBe(true)
    expect(tally.received('a', 0)).toBe(false)
    tally.received('a', 2)
    expect(tally.complete()).toBe(false)
    expect(tally.counts()).toMatchObject({
      accepted: 4,
      received: 2,
      lost: 2,
      duplicates: 1,
      lostByTopic: { a: 1, b: 1 },
      duplicatesByTopic: { a: 1 },
    })
    tally.received('a', 1)
    tally.received('b', 0)
    expect(tally.complete()).toBe(true)
    expect(tally.counts()).toMatchObject({ lost: 0, duplicates: 1, lostByTopic: {} })
    expect(tally.countsOf('a')).toEqual({ accepted: 3, received: 3, lost: 0, duplicates: 1 })
    expect(tally.countsOf('unknown')).toEqual({ accepted: 0, received: 0, lost: 0, duplicates: 0 })
  })

  it('owes nothing for a POST that was not answered 202, and counts it apart if it arrives', () => {
    const tally = new SequenceTally()
    tally.accepted('a', tally.next('a'))
    tally.next('a') // answered 503
    tally.next('a') // timed out, but reached Kafka
    tally.received('a', 0)
    tally.received('a', 2)
    expect(tally.complete()).toBe(true)
    expect(tally.counts()).toMatchObject({ accepted: 1, received: 1, lost: 0, unaccepted: 1 })
  })
})
