import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { DeliveryPressure, type PressureCause } from '../src/delivery-pressure.js'

const LIMITS = { maxQueuedBytes: 1000, maxRedisPending: 100 }

function pressure() {
  const gauges = { queuedBytes: 0, redisPending: 0 }
  const paused: PressureCause[] = []
  const resumed: number[] = []
  const subject = new DeliveryPressure(
    { queuedBytes: () => gauges.queuedBytes, redisPending: () => gauges.redisPending },
    LIMITS,
    { onPause: (cause) => paused.push(cause), onResume: (ms) => resumed.push(ms) },
  )
  return { subject, gauges, paused, resumed }
}

describe('DeliveryPressure', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets delivery go on up to the limits', () => {
    const { subject, gauges, paused } = pressure()
    gauges.queuedBytes = 1000
    gauges.redisPending = 100

    expect(subject.wait()).toBeUndefined()
    expect(subject.cause).toBeUndefined()
    expect(paused).toEqual([])
  })

  it('waits past a limit until the queues are under half of it, once for every waiter', async () => {
    const { subject, gauges, paused, resumed } = pressure()
    gauges.queuedBytes = 1001
    const first = subject.wait()
    const second = subject.wait()
    expect(first).toBeDefined()
    expect(second).toBe(first)
    expect(subject.cause).toBe('outbound')

    gauges.queuedBytes = 501
    await vi.advanceTimersByTimeAsync(100)
    expect(subject.cause).toBe('outbound')
    gauges.queuedBytes = 500
    await vi.advanceTimersByTimeAsync(100)
    await first

    expect(subject.cause).toBeUndefined()
    expect(subject.wait()).toBeUndefined()
    expect(paused).toEqual(['outbound'])
    expect(resumed).toHaveLength(1)
    expect(subject.totals.pauses).toBe(1)
    expect(subject.totals.pausedMs).toBe(resumed[0])
    expect(resumed[0]).toBeGreaterThanOrEqual(100)
  })

  it('waits for a Redis that answers slower than it is sent to', async () => {
    const { subject, gauges, paused } = pressure()
    gauges.redisPending = 101
    const waiting = subject.wait()
    expect(subject.cause).toBe('redis')

    gauges.redisPending = 0
    await vi.advanceTimersByTimeAsync(20)
    await waiting
    expect(paused).toEqual(['redis'])
  })

  it('ends a wait and never waits again once released, as on shutdown', async () => {
    const { subject, gauges } = pressure()
    gauges.queuedBytes = 5000
    const waiting = subject.wait()
    subject.release()
    await vi.advanceTimersByTimeAsync(20)
    await waiting

    expect(subject.wait()).toBeUndefined()
  })
})
