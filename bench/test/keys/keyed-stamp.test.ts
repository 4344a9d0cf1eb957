import { describe, expect, it } from 'vitest'

import { accountDeliveries, keyedStampOf } from '../../src/keys/keyed-stamp.js'

describe('keyedStampOf', () => {
  it('reads a stamp addressed to a subscriber, and nothing else', () => {
    expect(keyedStampOf({ seq: 3, sentAt: 1.5, to: 7 })).toEqual({ seq: 3, sentAt: 1.5, to: 7 })
    expect(keyedStampOf({ seq: 3, sentAt: 1.5 })).toBeUndefined()
    expect(keyedStampOf('text')).toBeUndefined()
  })
})

describe('accountDeliveries', () => {
  const sentTo = new Map([
    [0, 1],
    [1, 2],
    [2, 1],
    [3, 9],
  ])

  it('counts each notification delivered once to its addressee', () => {
    expect(accountDeliveries(sentTo, { 1: [0, 2], 2: [1] })).toEqual({
      lost: 0,
      duplicated: 0,
      foreign: 0,
      delivered: 3,
    })
  })

  it('counts what was lost, received twice, or received by another subscriber', () => {
    expect(accountDeliveries(sentTo, { 1: [0, 0, 1], 2: [] })).toEqual({
      lost: 2,
      duplicated: 1,
      foreign: 1,
      delivered: 1,
    })
  })

  it('ignores subscribers that never connected and seqs that were never sent', () => {
    expect(accountDeliveries(sentTo, { 1: [0, 2, 42], 2: [1] }).lost).toBe(0)
  })
})
