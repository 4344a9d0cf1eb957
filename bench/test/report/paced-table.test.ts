import { describe, expect, it } from 'vitest'

import { PACED_GROUP, pacedTables } from '../../src/report/paced-table.js'
import type { ScenarioResult } from '../../src/result.js'

const step = (
  path: string,
  offered: number,
  deliveredShare: number,
  p99: number,
): ScenarioResult => ({
  id: `paced-${path}-${offered}`,
  group: PACED_GROUP,
  label: '',
  subject: '',
  load: '',
  unit: 'deliveries/s',
  throughput: offered * deliveredShare,
  latencyOf: '',
  latency: { count: 10, p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2, mean: p99 / 4 },
  cpu: {
    processes: [
      { name: 'consumer-1', percent: 40.4 },
      { name: 'consumer-2', percent: 30.2 },
      { name: 'subscribers-1', percent: 20 },
      { name: 'load', percent: 3 },
      { name: 'bench', percent: 2 },
    ],
    machinePercent: 150,
    othersPercent: 5,
  },
  details: {
    path,
    subscribers: 1000,
    offered,
    notificationsPerSecond: offered / 1000,
    deliveredShare,
  },
})

describe('pacedTables', () => {
  it('gives each path its table with the maximum sustained rate and CPU summed by kind', () => {
    const lines = pacedTables([
      step('via nginx', 10_000, 1, 40),
      step('via nginx', 25_000, 1, 300),
      step('direct', 10_000, 0.5, 40),
    ])
    expect(lines).toContain('**via nginx ×1,000**: maximum sustained 10,000 deliveries/s')
    expect(lines).toContain('**direct ×1,000**: maximum sustained none of the rates')
    // consumers 40.4 + 30.2, no nginx watched, publisher = load + bench.
    expect(lines).toContain(
      '| 25,000 | 25.0 | 25,000 | 100.00 % | 75.0 | 300 | 600 | 71 | — | — | — | — | 20 | 5 |',
    )
  })

  it('is empty without paced steps', () => {
    expect(pacedTables([{ ...step('direct', 10_000, 1, 40), group: 'herald fan-out' }])).toEqual([])
  })
})
