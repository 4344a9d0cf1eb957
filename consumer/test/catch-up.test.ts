import { partitionForKey, type ConsumedRecord } from '@herald/shared/kafka'
import { describe, expect, it, vi } from 'vitest'

import { catchUp, mergeByTime, wantsByTopic } from '../src/catch-up.js'

const record = (partition: number, offset: number, timestamp: number): ConsumedRecord => ({
  topic: 't',
  partition,
  offset: String(offset),
  timestamp,
  key: null,
  value: null,
  requestId: null,
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

describe('wantsByTopic', () => {
  it('sorts entries into topics wanted whole and keys wanted of a topic', () => {
    const wants = wantsByTopic(
      ['orders', 'orders#a', 'orders#b', '*', 'eu.*', 'gone#x', 'eu.paris#a'],
      ['orders', 'eu.paris', 'other'],
    )
    expect(wants.get('orders')?.all).toEqual(['orders', '*'])
    expect([...(wants.get('orders')?.keys ?? [])]).toEqual([
      ['a', ['orders#a']],
      ['b', ['orders#b']],
    ])
    expect(wants.get('eu.paris')?.all).toEqual(['*', 'eu.*'])
    expect([...(wants.get('eu.paris')?.keys.keys() ?? [])]).toEqual(['a'])
    expect(wants.get('other')?.all).toEqual(['*'])
    expect(wants.has('gone')).toBe(false)
  })
})

describe('catchUp', () => {
  // Topic "orders" of 4 partitions: each key's records in its own partition, as the producer
  // puts them; 10 records per key, keys k0..k7, offsets in posting order per partition.
  const PARTITIONS = 4
  const keys = Array.from({ length: 8 }, (_, i) => `k${i}`)
  const logs: ConsumedRecord[][] = Array.from({ length: PARTITIONS }, () => [])
  let time = 0
  for (let n = 0; n < 10; n++) {
    for (const key of keys) {
      const partition = partitionForKey(key, PARTITIONS)
      const log = logs[partition] as ConsumedRecord[]
      log.push({
        topic: 'orders',
        partition,
        offset: String(log.length),
        timestamp: time++,
        key,
        value: Buffer.from(`${key}-${n}`),
        requestId: null,
      })
    }
  }
  const reads: number[] = []
  const deps = {
    reader: {
      read(
        _topic: string,
        partition: number,
        from: bigint,
        to: bigint,
        keep?: (record: ConsumedRecord) => boolean,
      ): Promise<ConsumedRecord[]> {
        reads.push(partition)
        return Promise.resolve(
          (logs[partition] as ConsumedRecord[])
            .filter((r) => BigInt(r.offset) >= from && BigInt(r.offset) < to)
            .filter((r) => keep === undefined || keep(r)),
        )
      },
    },
    admin: {
      listTopics: () => Promise.resolve(['orders']),
      offsets: () =>
        Promise.resolve(
          logs.map((log, partition) => ({ partition, low: 0n, high: BigInt(log.length) })),
        ),
    },
    deliverable: () => true,
    ignoredTopics: [],
    keyScanLimit: 1000,
  }
  const fromStart = { orders: { '0': '0', '1': '0', '2': '0', '3': '0' } }

  it("replays a keyed stream's records only, reading only its key's partition", async () => {
    reads.length = 0
    const sent: string[] = []
    const result = await catchUp(deps, { entries: ['orders#k3'], positions: fromStart }, (n) => {
      sent.push(String(n.message))
    })
    expect(sent).toEqual(Array.from({ length: 10 }, (_, n) => `k3-${n}`))
    expect(result.recovery['orders#k3']).toEqual({ status: 'recovered', replayed: 10 })
    expect(new Set(reads)).toEqual(new Set([partitionForKey('k3', PARTITIONS)]))
    expect(Object.keys(result.positions.orders ?? {})).toHaveLength(PARTITIONS)
  })

  it('sends the next record only once the socket has room for it', async () => {
    const sent: string[] = []
    let release: (() => void) | undefined
    const replay = catchUp(deps, { entries: ['orders#k3'], positions: fromStart }, (n) => {
      sent.push(String(n.message))
      // The third record finds the socket's queue full.
      if (sent.length !== 3) return undefined
      return new Promise<void>((resolve) => (release = resolve))
    })
    await vi.waitUntil(() => release !== undefined)
    await new Promise((resolve) => setImmediate(resolve))
    expect(sent).toHaveLength(3)
    release?.()
    expect((await replay).recovery['orders#k3']).toEqual({ status: 'recovered', replayed: 10 })
    expect(sent).toHaveLength(10)
  })

  it('replays a record once when a topic and its keyed stream both cover it', async () => {
    const sent: string[] = []
    const result = await catchUp(
      deps,
      { entries: ['orders#k1', 'orders', '*'], positions: fromStart },
      (n) => {
        sent.push(String(n.message))
      },
    )
    expect(sent).toHaveLength(80)
    expect(new Set(sent).size).toBe(80)
    expect(result.recovery).toEqual({
      'orders#k1': { status: 'recovered', replayed: 10 },
      orders: { status: 'recovered', replayed: 80 },
      '*': { status: 'recovered', replayed: 80 },
    })
  })

  it('scans at most keyScanLimit offsets for a keyed stream, and says so', async () => {
    const partition = partitionForKey('k2', PARTITIONS)
    const perPartition = (logs[partition] as ConsumedRecord[]).length
    const sent: string[] = []
    const result = await catchUp(
      { ...deps, keyScanLimit: perPartition / 2 },
      { entries: ['orders#k2'], positions: fromStart },
      (n) => {
        sent.push(String(n.message))
      },
    )
    const expected = (logs[partition] as ConsumedRecord[])
      .slice(perPartition / 2)
      .filter((r) => r.key === 'k2')
      .map((r) => String(r.value))
    expect(sent).toEqual(expected)
    expect(result.recovery['orders#k2']).toEqual({
      status: 'not_recovered',
      replayed: expected.length,
      reason: 'scan_limit',
    })
  })
})
