import { describe, expect, it } from 'vitest'

import { notification } from '../../test-support/fakes'
import { createFeedStore, FEED_LIMIT_PER_TOPIC, type FeedSnapshot } from '../feed-store'

const ids = (snapshot: FeedSnapshot): string[] => snapshot.entries.map((entry) => entry.id)

describe('feed store', () => {
  it('shows a record once however often it arrives', () => {
    const store = createFeedStore()
    const record = notification({ timestamp: 1 })

    expect(store.add([record, { ...record }])).toBe(true)
    expect(store.add([{ ...record, message: 'redelivered' }])).toBe(false)

    expect(ids(store.snapshot())).toEqual(['orders:0:1'])
    expect(store.snapshot().counts.get('orders')).toEqual({ shown: 1, received: 1 })
  })

  it('tells apart records that share an offset on other partitions or topics', () => {
    const store = createFeedStore()
    store.add([
      notification({ timestamp: 1, offset: '7' }),
      notification({ timestamp: 2, offset: '7', partition: 1 }),
      notification({ timestamp: 3, offset: '7', topic: 'alerts' }),
    ])

    expect(ids(store.snapshot())).toEqual(['alerts:0:7', 'orders:1:7', 'orders:0:7'])
  })

  it('lists the latest arrival first, within a batch and across batches', () => {
    const store = createFeedStore()
    store.add([1, 2, 3].map((timestamp) => notification({ timestamp })))
    store.add([4, 5].map((timestamp) => notification({ timestamp })))

    expect(ids(store.snapshot())).toEqual([5, 4, 3, 2, 1].map((t) => `orders:0:${t}`))
  })

  it('follows arrival, not producer clocks, so a partition stays in offset order', () => {
    const store = createFeedStore()
    store.add([notification({ timestamp: 20, offset: '1' })])
    store.add([notification({ timestamp: 19, offset: '2' })])

    expect(ids(store.snapshot())).toEqual(['orders:0:2', 'orders:0:1'])
  })

  it("puts a record that comes late below its partition's later ones, leaving others in place", () => {
    const store = createFeedStore()
    store.add([notification({ timestamp: 1, offset: '5' })])
    store.add([notification({ timestamp: 2, offset: '0', partition: 1 })])
    store.add([notification({ timestamp: 3, offset: '7' })])
    store.add([notification({ timestamp: 4, offset: '6' })])

    expect(ids(store.snapshot())).toEqual(['orders:0:7', 'orders:0:6', 'orders:1:0', 'orders:0:5'])
  })

  it('orders a batch of late records by offset within the partition', () => {
    const store = createFeedStore()
    store.add([notification({ timestamp: 1, offset: '10' })])
    store.add(['3', '1', '2'].map((offset, i) => notification({ timestamp: 2 + i, offset })))

    expect(ids(store.snapshot())).toEqual(['orders:0:10', 'orders:0:3', 'orders:0:2', 'orders:0:1'])
  })

  it('keeps the latest notifications of each topic up to the limit and counts the rest', () => {
    const store = createFeedStore(3)
    store.add([1, 2, 3, 4, 5].map((timestamp) => notification({ timestamp })))
    store.add([notification({ timestamp: 0, topic: 'alerts' })])

    const { entries, counts } = store.snapshot()
    expect(entries.map((entry) => entry.id)).toEqual([
      'alerts:0:0',
      'orders:0:5',
      'orders:0:4',
      'orders:0:3',
    ])
    expect(counts.get('orders')).toEqual({ shown: 3, received: 5 })
    expect(counts.get('alerts')).toEqual({ shown: 1, received: 1 })
  })

  it(`keeps ${FEED_LIMIT_PER_TOPIC} a topic by default`, () => {
    const store = createFeedStore()
    const burst = Array.from({ length: 1200 }, (_, i) => notification({ timestamp: i }))
    store.add(burst)

    expect(store.snapshot().entries).toHaveLength(FEED_LIMIT_PER_TOPIC)
    expect(store.snapshot().counts.get('orders')).toEqual({ shown: 1000, received: 1200 })
  })

  it('recognises a dropped record that is delivered again', () => {
    const store = createFeedStore(2)
    store.add([1, 2, 3].map((timestamp) => notification({ timestamp })))

    expect(store.add([notification({ timestamp: 1 })])).toBe(false)
    expect(store.snapshot().counts.get('orders')).toEqual({ shown: 2, received: 3 })
  })

  it('replaces its snapshot instead of changing it', () => {
    const store = createFeedStore()
    store.add([notification({ timestamp: 1 })])
    const before = store.snapshot()
    store.add([notification({ timestamp: 2 })])

    expect(ids(before)).toEqual(['orders:0:1'])
    expect(ids(store.snapshot())).toEqual(['orders:0:2', 'orders:0:1'])
  })

  it('forgets a removed topic entirely, so watching it again starts afresh', () => {
    const store = createFeedStore(1)
    store.add([notification({ timestamp: 1 }), notification({ timestamp: 2 })])
    store.add([notification({ timestamp: 3, topic: 'alerts' })])

    store.removeTopic('orders')
    expect(ids(store.snapshot())).toEqual(['alerts:0:3'])
    expect(store.snapshot().counts.has('orders')).toBe(false)

    expect(store.add([notification({ timestamp: 1 })])).toBe(true)
    expect(store.snapshot().counts.get('orders')).toEqual({ shown: 1, received: 1 })
  })

  it('resets a partition of a re-created topic: its old records go, the same offsets count again', () => {
    const store = createFeedStore(2)
    store.add(['1', '2', '3'].map((offset, i) => notification({ timestamp: i, offset })))
    store.add([notification({ timestamp: 9, offset: '1', partition: 1 })])

    store.resetPartition('orders', 0, 4n)
    expect(ids(store.snapshot())).toEqual(['orders:1:1'])
    expect(store.snapshot().counts.get('orders')).toEqual({ shown: 1, received: 1 })

    expect(store.add([notification({ timestamp: 10, offset: '1', message: 'new topic' })])).toBe(
      true,
    )
    expect(ids(store.snapshot())).toEqual(['orders:0:1', 'orders:1:1'])
  })

  it('keeps what a reset partition received after the reset', () => {
    const store = createFeedStore()
    store.add([notification({ timestamp: 1, offset: '50' })])
    store.add([notification({ timestamp: 2, offset: '60' })])

    store.resetPartition('orders', 0, 51n)
    store.add([notification({ timestamp: 3, offset: '55' })])
    expect(ids(store.snapshot())).toEqual(['orders:0:60', 'orders:0:55'])
  })

  it('keeps at most the total limit across topics, newest first', () => {
    const store = createFeedStore({ perTopic: 10, total: 3 })
    store.add([
      notification({ timestamp: 1, topic: 'a' }),
      notification({ timestamp: 2, topic: 'b' }),
      notification({ timestamp: 3, topic: 'c' }),
      notification({ timestamp: 4, topic: 'a' }),
    ])
    expect(ids(store.snapshot())).toEqual(['a:0:4', 'c:0:3', 'b:0:2'])
    expect(store.snapshot().counts.get('a')).toEqual({ shown: 1, received: 2 })
  })

  it('clears what it shows and never shows it again', () => {
    const store = createFeedStore()
    store.add([notification({ timestamp: 1 }), notification({ timestamp: 2 })])
    store.clear()
    expect(store.snapshot().entries).toEqual([])
    expect(store.snapshot().counts.size).toBe(0)

    expect(store.add([notification({ timestamp: 2 })])).toBe(false)
    expect(store.add([notification({ timestamp: 3 })])).toBe(true)
    expect(ids(store.snapshot())).toEqual(['orders:0:3'])
  })
})
