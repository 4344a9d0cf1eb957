import type { PartitionLag } from '@herald/shared/kafka'
import type { ConsumerStatus, InstanceStatus } from '@herald/shared/service'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { cacheFor } from '../src/admin-routes.js'
import { instanceView, topicsPage } from '../src/admin-topics.js'

afterEach(() => {
  vi.useRealTimers()
})

const base = {
  ready: true,
  startedAt: 1,
  seenAt: 2,
  rssBytes: 3,
  heapUsedBytes: 4,
  reportMs: 2000,
}
const consumer = (name: string, held: string[]): ConsumerStatus => ({
  ...base,
  name,
  role: 'consumer',
  connections: 0,
  subscriptions: 0,
  topics: 0,
  partitions: held.length,
  lagRecords: 0,
  paused: null,
  behind: false,
  deadLetters: 0,
  slowConsumersCut: 0,
  held,
})
const lag = (
  topic: string,
  partition: number,
  end: bigint,
  committed: bigint | null,
  records = 0n,
) => ({ topic, partition, end, committed, lag: records }) satisfies PartitionLag

describe('topicsPage', () => {
  const instances: InstanceStatus[] = [
    consumer('consumer-2', ['orders:1', 'mail:0']),
    consumer('consumer-1', ['orders:0', 'orders:1']),
    { ...base, name: 'producer-1', role: 'producer' },
  ]
  const lags = [
    lag('orders', 1, 9n, 4n, 5n),
    lag('orders', 0, 3n, 3n),
    lag('mail', 0, 2n, null, 2n),
    lag('news', 0, 0n, null),
    lag('alerts', 0, 7n, 7n),
  ]

  it('sums each topic, names each partition owner, and sorts by lag then name', () => {
    const page = topicsPage(lags, instances, { search: '', limit: 50, offset: 0 })
    expect(page.total).toBe(4)
    expect(page.topics.map(({ topic, lag }) => [topic, lag])).toEqual([
      ['orders', 5],
      ['mail', 2],
      ['alerts', 0],
      ['news', 0],
    ])
    expect(page.topics[0]).toEqual({
      topic: 'orders',
      partitions: 2,
      lag: 5,
      owners: ['consumer-1'],
      detail: [
        { partition: 0, end: '3', committed: '3', lag: 0, owner: 'consumer-1' },
        { partition: 1, end: '9', committed: '4', lag: 5, owner: 'consumer-1' },
      ],
    })
    expect(page.topics[1]?.detail[0]).toMatchObject({ committed: null, owner: 'consumer-2' })
    expect(page.topics[3]).toMatchObject({ owners: [], detail: [{ owner: null }] })
  })

  it('searches names case-insensitively and pages after sorting', () => {
    expect(topicsPage(lags, instances, { search: 'ER', limit: 50, offset: 0 }).topics).toEqual([
      expect.objectContaining({ topic: 'orders' }),
      expect.objectContaining({ topic: 'alerts' }),
    ])
    const page = topicsPage(lags, instances, { search: '', limit: 2, offset: 1 })
    expect(page.total).toBe(4)
    expect(page.topics.map(({ topic }) => topic)).toEqual(['mail', 'alerts'])
  })
})

describe('instanceView', () => {
  it("leaves out the registry's own fields", () => {
    expect(instanceView(consumer('c', ['a:0']))).not.toHaveProperty('held')
    expect(instanceView(consumer('c', ['a:0']))).not.toHaveProperty('reportMs')
    expect(instanceView({ ...base, name: 'p', role: 'producer' })).toEqual({
      name: 'p',
      role: 'producer',
      ready: true,
      startedAt: 1,
      seenAt: 2,
      rssBytes: 3,
      heapUsedBytes: 4,
    })
  })
})

describe('cacheFor', () => {
  it('shares one read within its time, reads again after it, and keeps no failure', async () => {
    vi.useFakeTimers()
    const read = vi
      .fn<() => Promise<number>>()
      .mockRejectedValueOnce(new Error('Kafka away'))
      .mockResolvedValueOnce(1)
      .mockResolvedValueOnce(2)
    const cached = cacheFor(1000, read)
    await expect(cached()).rejects.toThrow('Kafka away')
    expect(await Promise.all([cached(), cached()])).toEqual([1, 1])
    vi.advanceTimersByTime(999)
    expect(await cached()).toBe(1)
    vi.advanceTimersByTime(1)
    expect(await cached()).toBe(2)
    expect(read).toHaveBeenCalledTimes(3)
  })
})
