import { describe, expect, it } from 'vitest'

import { historyRanges, pageOfHistory } from '../../src/kafka/history.js'
import type { ConsumedRecord } from '../../src/kafka/fetched-records.js'

const record = (partition: number, offset: number, timestamp: number): ConsumedRecord => ({
  topic: 't',
  partition,
  offset: String(offset),
  timestamp,
  key: null,
  value: Buffer.from('1'),
  requestId: null,
})

const offsets = [
  { partition: 0, low: 0n, high: 10n },
  { partition: 1, low: 4n, high: 6n },
]

describe('historyRanges', () => {
  it('reads at most `limit` latest records of each partition', () => {
    expect(historyRanges(offsets, { limit: 3 })).toEqual([
      { partition: 0, from: 7n, to: 10n },
      { partition: 1, from: 4n, to: 6n },
    ])
  })

  it('pages forward from a position, starting at the log start when the position is older', () => {
    expect(historyRanges(offsets, { limit: 3, since: { '0': '2', '1': '1' } })).toEqual([
      { partition: 0, from: 2n, to: 5n },
      { partition: 1, from: 4n, to: 6n },
    ])
  })
})

describe('pageOfHistory', () => {
  const ranges = [
    { partition: 0, from: 2n, to: 5n },
    { partition: 1, from: 4n, to: 6n },
  ]
  const records = [
    record(0, 2, 100),
    record(0, 3, 300),
    record(0, 4, 500),
    record(1, 4, 200),
    record(1, 5, 400),
  ]

  it('returns the latest records oldest first, and the end as the next position', () => {
    const page = pageOfHistory(ranges, records, { limit: 2 })
    expect(page.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['1:5', '0:4'])
    expect(page.next).toEqual({ '0': '5', '1': '6' })
  })

  it('pages forward: the first records after the position, and the next position after them', () => {
    const page = pageOfHistory(ranges, records, { limit: 3, since: { '0': '2', '1': '4' } })
    expect(page.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:2', '1:4', '0:3'])
    expect(page.next).toEqual({ '0': '4', '1': '5' })
  })

  it("keeps each partition in offset order when its records' times go backwards", () => {
    // Two producers with clocks apart wrote partition 0: offset 3 is stamped before offset 2.
    const skewed = [record(0, 2, 300), record(0, 3, 100), record(0, 4, 500), record(1, 4, 200)]
    const page = pageOfHistory(ranges, skewed, { limit: 2, since: { '0': '2', '1': '4' } })

    expect(page.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['1:4', '0:2'])
    expect(page.next).toEqual({ '0': '3', '1': '5' })
    const latest = pageOfHistory(ranges, skewed, { limit: 3 })
    expect(latest.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:2', '0:3', '0:4'])
  })
})
