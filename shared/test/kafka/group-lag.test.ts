import { describe, expect, it } from 'vitest'

import { lagOffsetKey, partitionLags } from '../../src/kafka/group-lag.js'

const offsets = (entries: [string, number, bigint][]): Map<string, bigint> =>
  new Map(entries.map(([topic, partition, offset]) => [lagOffsetKey(topic, partition), offset]))

describe('partitionLags', () => {
  const topics = [
    { name: 'app.orders', partitions: [0, 1, 2] },
    { name: 'app.mail', partitions: [0] },
  ]

  it('is the end less the commit, or less the first kept offset where nothing is committed', () => {
    const lags = partitionLags(
      topics,
      {
        ends: offsets([
          ['app.orders', 0, 10n],
          ['app.orders', 1, 7n],
          ['app.orders', 2, 5n],
          ['app.mail', 0, 3n],
        ]),
        committed: offsets([
          ['app.orders', 0, 4n],
          ['app.orders', 2, 5n],
        ]),
        starts: offsets([
          ['app.orders', 1, 2n],
          ['app.mail', 0, 3n],
        ]),
      },
      'app.',
    )
    expect(lags).toEqual([
      { topic: 'orders', partition: 0, end: 10n, committed: 4n, lag: 6n },
      { topic: 'orders', partition: 1, end: 7n, committed: null, lag: 5n },
      { topic: 'orders', partition: 2, end: 5n, committed: 5n, lag: 0n },
      { topic: 'mail', partition: 0, end: 3n, committed: null, lag: 0n },
    ])
  })

  it('never goes below zero and leaves out partitions whose end is unknown', () => {
    const lags = partitionLags(
      [{ name: 'orders', partitions: [0, 1] }],
      {
        ends: offsets([['orders', 0, 3n]]),
        committed: offsets([['orders', 0, 9n]]),
        starts: new Map(),
      },
      '',
    )
    expect(lags).toEqual([{ topic: 'orders', partition: 0, end: 3n, committed: 9n, lag: 0n }])
  })

  it('counts a partition with no commit and no known start as caught up', () => {
    const lags = partitionLags(
      [{ name: 'orders', partitions: [0] }],
      { ends: offsets([['orders', 0, 8n]]), committed: new Map(), starts: new Map() },
      '',
    )
    expect(lags[0]?.lag).toBe(0n)
  })
})
