import type { Notification, Position } from '@herald/shared'
import { describe, expect, it, vi } from 'vitest'

import { notification } from '../../test-support/fakes'
import type { HistoryPage } from '../admin-client'
import { forwardView, mergeByTime, newestView, olderView, type FetchPage } from '../history-pages'

/** A topic held in memory, answering as GET /topics/{topic}/messages does. */
function topicLog(partitions: Notification[][]): FetchPage {
  return (since) => {
    const limit = 4
    const runs = partitions.map((records, p) => {
      const from = BigInt(since?.[p] ?? '0')
      return records.filter((n) => BigInt(n.offset) >= from)
    })
    const messages = mergeByTime(runs).slice(0, limit)
    const next: Position = {}
    partitions.forEach((records, p) => {
      const mine = messages.filter((n) => n.partition === p)
      const last = mine.at(-1)
      next[p] =
        last !== undefined
          ? String(BigInt(last.offset) + 1n)
          : (since?.[p] ?? String(records.length))
    })
    return Promise.resolve({ ok: true, value: { topic: 'orders', messages, next } })
  }
}

/** `count` records in partition `p`, offsets 0…, record times from `firstTime` a step apart. */
function run(p: number, count: number, firstTime: number, step = 1): Notification[] {
  return Array.from({ length: count }, (_, i) =>
    notification({ partition: p, offset: String(i), timestamp: firstTime + i * step }),
  )
}

const ids = (messages: Notification[]) => messages.map((n) => `${n.partition}:${n.offset}`)

describe('history pages', () => {
  it('starts the newest page, per partition, at its first record shown', () => {
    const page: HistoryPage = {
      topic: 'orders',
      messages: [
        notification({ partition: 0, offset: '8', timestamp: 1 }),
        notification({ partition: 0, offset: '9', timestamp: 2 }),
      ],
      next: { '0': '10', '1': '3' },
    }
    expect(newestView(page)).toMatchObject({ start: { '0': '8', '1': '3' }, oldest: false })
  })

  it('starts a forward page at the position it was asked for', () => {
    const view = forwardView({ '0': '0' }, { topic: 'orders', messages: [], next: { '0': '0' } })
    expect(view).toMatchObject({ start: { '0': '0' }, oldest: true })
  })

  it('pages back through one partition exactly, to its start', async () => {
    const fetchPage = topicLog([run(0, 10, 100)])
    const newest = newestView({
      topic: 'orders',
      messages: run(0, 10, 100).slice(6),
      next: { '0': '10' },
    })
    const older = await olderView(newest, 4, fetchPage)
    expect(older.ok && ids(older.value.messages)).toEqual(['0:2', '0:3', '0:4', '0:5'])
    if (!older.ok) return
    expect(older.value.next).toEqual({ '0': '6' })

    const oldest = await olderView(older.value, 4, fetchPage)
    expect(oldest.ok && ids(oldest.value.messages)).toEqual(['0:0', '0:1'])
    expect(oldest.ok && oldest.value.oldest).toBe(true)
  })

  it('asks again for a partition that other partitions crowded out, and skips nothing', async () => {
    // Partition 1's records are all older than partition 0's: the first answer is all partition 1.
    const partitions = [run(0, 8, 1000), run(1, 8, 0)]
    const fetchPage = vi.fn(topicLog(partitions))
    const view = {
      messages: [],
      start: { '0': '8', '1': '8' },
      next: { '0': '8', '1': '8' },
      oldest: false,
    }
    const older = await olderView(view, 4, fetchPage)

    expect(older.ok && ids(older.value.messages).sort()).toEqual(
      ['0:4', '0:5', '0:6', '0:7', '1:4', '1:5', '1:6', '1:7'].sort(),
    )
    expect(older.ok && older.value.start).toEqual({ '0': '4', '1': '4' })
    expect(fetchPage.mock.calls.length).toBeGreaterThan(1)
  })

  it("answers the API's error", async () => {
    const error = { code: 'forbidden', message: 'no grant on orders' }
    const view = newestView({ topic: 'orders', messages: [], next: { '0': '10' } })
    await expect(olderView(view, 4, () => Promise.resolve({ ok: false, error }))).resolves.toEqual({
      ok: false,
      error,
    })
  })

  it('merges partitions by record time, then partition, each in offset order', () => {
    const a = [notification({ partition: 0, offset: '0', timestamp: 5 })]
    const b = [
      notification({ partition: 1, offset: '0', timestamp: 5 }),
      notification({ partition: 1, offset: '1', timestamp: 1 }),
    ]
    expect(ids(mergeByTime([b, a]))).toEqual(['0:0', '1:0', '1:1'])
  })
})
