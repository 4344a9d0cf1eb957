import { describe, expect, it } from 'vitest'

import { handoverTimings, lastGroupJoin } from '../../src/scenarios/handover-timings.js'

/** One arrival per 20 ms sent, delivered 5 ms later, except while `stalled` says so. */
function stream(fromMs: number, toMs: number, deliveredAt: (sentAt: number) => number) {
  const arrivals = []
  for (let sentAt = fromMs, seq = 0; sentAt < toMs; sentAt += 20, seq += 1) {
    arrivals.push({ seq, sentAt, at: deliveredAt(sentAt) })
  }
  return arrivals
}

describe('handoverTimings', () => {
  const times = { signalledAt: 1000, exitedAt: 1300, respawnedAt: 1500, readyAt: 3000 }

  it('times the pause as the partition leaves, the join, and the pause as it returns', () => {
    // Nothing delivered from 1,100 until 1,600 (hand-over), nor from 3,000 until 3,200 (return).
    const arrivals = stream(0, 5000, (sentAt) => {
      if (sentAt >= 1100 && sentAt < 1600) return 1600
      if (sentAt >= 3000 && sentAt < 3200) return 3200
      return sentAt + 5
    })
    const timings = handoverTimings(arrivals, times)
    expect(timings.exitMs).toBe(300)
    // The first record sent after the exit (sent at 1,320) arrived at 1,600.
    expect(timings.handoverMs).toBe(600)
    expect(timings.handedOverBeforeRejoin).toBe(true)
    expect(timings.pauseMs).toBe(1600 - 1085)
    expect(timings.joinMs).toBe(1500)
    expect(timings.rejoinPauseMs).toBe(3200 - 2985)
  })

  it('says when nothing came through before the restarted consumer was ready', () => {
    const arrivals = stream(0, 5000, (sentAt) =>
      sentAt >= 1100 && sentAt < 3100 ? 3100 : sentAt + 5,
    )
    const timings = handoverTimings(arrivals, times)
    expect(timings.handoverMs).toBe(2100)
    expect(timings.handedOverBeforeRejoin).toBe(false)
  })

  it('gives NaN when no record sent after the exit arrived', () => {
    const arrivals = stream(0, 1200, (sentAt) => sentAt + 5)
    expect(handoverTimings(arrivals, times).handoverMs).toBeNaN()
  })
})

describe('lastGroupJoin', () => {
  it('reads the partitions of the last join line of a JSON-lines log', () => {
    const log = [
      '{"level":30,"msg":"listening"}',
      '{"level":30,"partitions":3,"durationMs":40,"msg":"joined the consumer group"}',
      'not json joined the consumer group',
      '{"level":30,"partitions":501,"durationMs":812,"msg":"joined the consumer group"}',
      '',
    ].join('\n')
    expect(lastGroupJoin(log)).toEqual({ partitions: 501, durationMs: 812 })
    expect(lastGroupJoin('{"msg":"listening"}')).toBeUndefined()
  })
})
