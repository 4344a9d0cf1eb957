import { IS_CONTROL, type RecordsBatch } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'

import { recordsFromBatches, REQUEST_ID_HEADER } from '../../src/kafka/fetched-records.js'

function batch(firstOffset: bigint, values: string[], attributes = 0): RecordsBatch {
  return {
    firstOffset,
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: values.length - 1,
    firstTimestamp: 1_000n,
    maxTimestamp: 1_000n,
    producerId: -1n,
    producerEpoch: -1,
    firstSequence: -1,
    records: values.map((value, index) => ({
      length: 0,
      attributes: 0,
      timestampDelta: BigInt(index),
      offsetDelta: index,
      key: index === 0 ? Buffer.from('k') : null,
      value: Buffer.from(value),
      headers: [],
    })),
  }
}

describe('recordsFromBatches', () => {
  it('gives each record its offset and timestamp, and the offset to fetch next', () => {
    const { records, next } = recordsFromBatches('orders', 2, [batch(10n, ['a', 'b'])], 10n)
    expect(records).toEqual([
      {
        topic: 'orders',
        partition: 2,
        offset: '10',
        timestamp: 1000,
        key: 'k',
        value: Buffer.from('a'),
        requestId: null,
      },
      {
        topic: 'orders',
        partition: 2,
        offset: '11',
        timestamp: 1001,
        key: null,
        value: Buffer.from('b'),
        requestId: null,
      },
    ])
    expect(next).toBe(12n)
  })

  it('reads the id of the request that published a record from its header', () => {
    const published = batch(0n, ['a', 'b', 'c'])
    const [first, second] = published.records
    if (first === undefined || second === undefined) throw new Error('no records')
    first.headers = [[Buffer.from(REQUEST_ID_HEADER), Buffer.from('f0e1d2')]]
    second.headers = [
      [Buffer.from('other'), Buffer.from('x')],
      [Buffer.from(REQUEST_ID_HEADER), null],
    ]
    const { records } = recordsFromBatches('t', 0, [published], 0n)
    expect(records.map((record) => record.requestId)).toEqual(['f0e1d2', null, null])
    expect(records[0]).not.toHaveProperty('headers')
    const withHeaders = recordsFromBatches('t', 0, [published], 0n, undefined, true).records
    expect(withHeaders.map((record) => record.headers)).toEqual([
      { [REQUEST_ID_HEADER]: 'f0e1d2' },
      { other: 'x', [REQUEST_ID_HEADER]: '' },
      {},
    ])
  })

  it('skips the part of a batch before the offset asked for and stops at the end of a range', () => {
    const { records, next } = recordsFromBatches('t', 0, [batch(0n, ['a', 'b', 'c', 'd'])], 1n, 3n)
    expect(records.map((record) => record.offset)).toEqual(['1', '2'])
    expect(next).toBe(4n)
  })

  it('moves past control batches without handing them over', () => {
    const batches = [batch(0n, ['a']), batch(1n, ['marker'], IS_CONTROL), batch(2n, ['b'])]
    const { records, next } = recordsFromBatches('t', 0, batches, 0n)
    expect(records.map((record) => record.offset)).toEqual(['0', '2'])
    expect(next).toBe(3n)
  })

  it('stays where it was when the answer held nothing', () => {
    expect(recordsFromBatches('t', 0, null, 7n)).toEqual({ records: [], next: 7n })
  })
})
