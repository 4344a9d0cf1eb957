import { describe, expect, it } from 'vitest'

import { memoryTrend, type MemorySeries } from '../../src/monitor/memory-sampler.js'

const MIB = 1024 * 1024
const minutes = (values: number[]): MemorySeries['samples'] =>
  values.map((mib, i) => [i * 60_000, mib * MIB])

describe('memoryTrend', () => {
  it('finds a steady growth as its slope, after leaving the settling share out', () => {
    // Settles from 50 to 100 MiB in the first two minutes, then leaks 2 MiB a minute.
    const series = {
      name: 'consumer-1',
      samples: minutes([50, 100, 102, 104, 106, 108, 110, 112, 114, 116, 118]),
    }
    const trend = memoryTrend(series, 0.2)
    expect(trend.startMiB).toBe(102)
    expect(trend.endMiB).toBe(118)
    expect(trend.maxMiB).toBe(118)
    expect(trend.slopeMiBPerMinute).toBeCloseTo(2, 6)
  })

  it('reads a heap that breathes around a level as flat', () => {
    const series = {
      name: 'producer-1',
      samples: minutes([80, 90, 100, 90, 100, 90, 100, 90, 100, 90, 100]),
    }
    const trend = memoryTrend(series, 0.2)
    expect(Math.abs(trend.slopeMiBPerMinute)).toBeLessThan(1)
    expect(trend.maxMiB).toBe(100)
  })

  it('judges every sample when the window would hold fewer than two', () => {
    const trend = memoryTrend({ name: 'redis', samples: minutes([10, 12]) }, 0.9)
    expect(trend.startMiB).toBe(10)
    expect(trend.slopeMiBPerMinute).toBeCloseTo(2, 6)
  })
})
