import { describe, expect, it } from 'vitest'

import { Histogram } from '../src/histogram.js'

describe('Histogram', () => {
  it('reports percentiles within 1 % of the exact ones', () => {
    const histogram = new Histogram()
    const samples = Array.from({ length: 10_000 }, (_, i) => (i + 1) / 10)
    for (const sample of samples) histogram.record(sample)
    const summary = histogram.summary()
    expect(summary.count).toBe(10_000)
    expect(summary.p50).toBeGreaterThanOrEqual(500)
    expect(summary.p50).toBeLessThanOrEqual(505)
    expect(summary.p99).toBeGreaterThanOrEqual(990)
    expect(summary.p99).toBeLessThanOrEqual(1000)
    expect(summary.max).toBe(1000)
    expect(summary.mean).toBeCloseTo(500.05, 5)
  })

  it('merges what other processes recorded as if it had recorded it itself', () => {
    const whole = new Histogram()
    const parts = [new Histogram(), new Histogram()]
    for (let i = 0; i < 1000; i += 1) {
      const value = (i * 7919) % 997
      whole.record(value)
      parts[i % 2]?.record(value)
    }
    const merged = new Histogram()
    for (const part of parts) merged.merge(structuredClone(part.toData()))
    expect(merged.summary()).toEqual(whole.summary())
  })

  it('says NaN rather than 0 when nothing was recorded', () => {
    expect(new Histogram().summary().p99).toBeNaN()
  })
})
