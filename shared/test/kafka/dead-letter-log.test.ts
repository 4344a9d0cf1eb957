import { describe, expect, it } from 'vitest'

import { readDeadLetters, toDeadLetter } from '../../src/kafka/dead-letter-log.js'
import type { ConsumedRecord } from '../../src/kafka/fetched-records.js'

const record = (partition: number, offset: number, timestamp: number): ConsumedRecord => ({
  topic: 'herald.dead-letters',
  partition,
  offset: String(offset),
  timestamp,
  key: null,
  value: Buffer.from([0xff, 0x41]),
  requestId: null,
  headers: {
    'herald-reason': 'not_utf8',
    'herald-topic': 'orders',
    'herald-partition': '3',
    'herald-offset': '41',
  },
})

describe('toDeadLetter', () => {
  it('says where the record came from, why, and previews it with replacement characters', () => {
    expect(toDeadLetter(record(0, 7, 1000))).toEqual({
      reason: 'not_utf8',
      topic: 'orders',
      partition: 3,
      offset: '41',
      deadLetterOffset: '7',
      timestamp: 1000,
      bytes: 2,
      preview: '\uFFFDA',
    })
  })

  it('answers null for headers another client did not write, and cuts the preview at 200', () => {
    const letter = toDeadLetter({
      ...record(0, 1, 1),
      headers: {},
      value: Buffer.from('é'.repeat(300)),
    })
    expect(letter).toMatchObject({ reason: null, topic: null, partition: null, offset: null })
    expect(letter.preview).toBe('é'.repeat(200))
    expect(letter.bytes).toBe(600)
  })
})

describe('readDeadLetters', () => {
  it('is empty while the topic does not exist', async () => {
    const admin = {
      listTopics: () => Promise.resolve([]),
      offsets: () => Promise.reject(new Error('not asked')),
    }
    expect(
      await readDeadLetters({ read: () => Promise.reject(new Error('not asked')) }, admin, 'dl', 5),
    ).toEqual([])
  })

  it('reads the latest of each partition and answers the newest first', async () => {
    const asked: [number, bigint, bigint][] = []
    const reader = {
      read: (_topic: string, partition: number, from: bigint, to: bigint) => {
        asked.push([partition, from, to])
        const times = partition === 0 ? [10, 30] : [20]
        return Promise.resolve(times.map((time, i) => record(partition, Number(from) + i, time)))
      },
    }
    const admin = {
      listTopics: () => Promise.resolve(['dl']),
      offsets: () =>
        Promise.resolve([
          { partition: 0, low: 0n, high: 50n },
          { partition: 1, low: 0n, high: 1n },
        ]),
    }
    const letters = await readDeadLetters(reader, admin, 'dl', 2)
    expect(asked).toEqual([
      [0, 48n, 50n],
      [1, 0n, 1n],
    ])
    expect(letters.map(({ timestamp }) => timestamp)).toEqual([30, 20])
  })
})
