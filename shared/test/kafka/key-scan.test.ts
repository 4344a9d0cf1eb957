import { describe, expect, it } from 'vitest'

import type { ConsumedRecord } from '../../src/kafka/fetched-records.js'
import { scanBackward, scanForward } from '../../src/kafka/key-scan.js'

// One partition of 100,000 offsets; key "k" at every 1,000th offset, starting at 500.
const KEYED_EVERY = 1000
const log = {
  reads: [] as [bigint, bigint][],
  read(
    topic: string,
    partition: number,
    from: bigint,
    to: bigint,
    keep?: (record: ConsumedRecord) => boolean,
  ): Promise<ConsumedRecord[]> {
    this.reads.push([from, to])
    const records: ConsumedRecord[] = []
    for (let offset = from; offset < to; offset++) {
      const key = offset % BigInt(KEYED_EVERY) === 500n ? 'k' : `other-${offset}`
      const record = {
        topic,
        partition,
        offset: String(offset),
        timestamp: 0,
        key,
        value: null,
        requestId: null,
      }
      if (keep === undefined || keep(record)) records.push(record)
    }
    return Promise.resolve(records)
  },
}
const isK = (record: ConsumedRecord): boolean => record.key === 'k'
const range = { partition: 3, from: 0n, to: 100_000n }
const offsetsOf = (records: ConsumedRecord[]): number[] => records.map((r) => Number(r.offset))

describe('scanForward', () => {
  it('stops right after the last record it needs, and says so', async () => {
    const { records, scan } = await scanForward(log, 't', range, isK, {
      limit: 3,
      maxOffsets: 1_000_000,
    })
    expect(offsetsOf(records)).toEqual([500, 1500, 2500])
    expect(scan).toEqual({ partition: 3, from: 0n, to: 2501n, limited: false })
  })

  it('looks at no more than maxOffsets, and marks a scan its bound cut short', async () => {
    const { records, scan } = await scanForward(log, 't', range, isK, {
      limit: 100,
      maxOffsets: 5000,
    })
    expect(offsetsOf(records)).toEqual([500, 1500, 2500, 3500, 4500])
    expect(scan).toEqual({ partition: 3, from: 0n, to: 5000n, limited: true })
  })

  it('covers its whole range when the bound allows, in reads of a bounded size', async () => {
    log.reads = []
    const { records, scan } = await scanForward(log, 't', range, isK, { maxOffsets: 200_000 })
    expect(records).toHaveLength(100)
    expect(scan).toEqual({ partition: 3, from: 0n, to: 100_000n, limited: false })
    expect(log.reads.length).toBeGreaterThan(1)
    for (const [from, to] of log.reads) expect(to - from).toBeLessThanOrEqual(20_000n)
  })

  it('reads nothing of an empty range', async () => {
    log.reads = []
    const { records, scan } = await scanForward(log, 't', { partition: 0, from: 7n, to: 7n }, isK, {
      maxOffsets: 10,
    })
    expect(records).toEqual([])
    expect(scan).toEqual({ partition: 0, from: 7n, to: 7n, limited: false })
    expect(log.reads).toEqual([])
  })
})

describe('scanBackward', () => {
  it('gives the latest records, oldest first', async () => {
    const { records, scan } = await scanBackward(log, 't', range, isK, {
      limit: 2,
      maxOffsets: 1_000_000,
    })
    expect(offsetsOf(records)).toEqual([98_500, 99_500])
    expect(scan.to).toBe(100_000n)
    expect(scan.from).toBeLessThanOrEqual(98_500n)
    expect(scan.limited).toBe(false)
  })

  it('stops at maxOffsets back from the end, and says so', async () => {
    const { records, scan } = await scanBackward(log, 't', range, isK, {
      limit: 50,
      maxOffsets: 3000,
    })
    expect(offsetsOf(records)).toEqual([97_500, 98_500, 99_500])
    expect(scan).toEqual({ partition: 3, from: 97_000n, to: 100_000n, limited: true })
  })

  it('is not limited when it reached the range start', async () => {
    const { records, scan } = await scanBackward(
      log,
      't',
      { partition: 3, from: 0n, to: 2000n },
      isK,
      { limit: 50, maxOffsets: 1_000_000 },
    )
    expect(offsetsOf(records)).toEqual([500, 1500])
    expect(scan).toEqual({ partition: 3, from: 0n, to: 2000n, limited: false })
  })
})
