import type { ConsumedRecord } from '@herald/shared/kafka'
import { describe, expect, it } from 'vitest'

import { mergeByTime } from '../src/catch-up.js'

const record = (partition: number, offset: number, timestamp: number): ConsumedRecord => ({
  topic: 't',
  partition,
  offset: String(offset),
  timestamp,
  key: null,
  value: null,
})

describe('mergeByTime', () => {
  it('interleaves partitions by time', () => {
    const merged = mergeByTime([
      [record(0, 0, 10), record(0, 1, 30)],
      [record(1, 0, 20), record(1, 1, 40)],
    ])
    expect(merged.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:0', '1:0', '0:1', '1:1'])
  })

  it('never reorders a partition, even when its clocks disagree', () => {
    const merged = mergeByTime([[record(0, 0, 50), record(0, 1, 10)], [record(1, 0, 20)]])
    const partition0 = merged.filter((r) => r.partition === 0).map((r) => r.offset)
    expect(partition0).toEqual(['0', '1'])
    expect(merged).toHaveLength(3)
  })

  it('handles empty partitions', () => {
    expect(mergeByTime([[], [record(1, 0, 1)], []])).toHaveLength(1)
    expect(mergeByTime([])).toEqual([])
  })
})
