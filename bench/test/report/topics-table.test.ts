import { describe, expect, it } from 'vitest'

import type { LatencySummary } from '../../src/histogram.js'
import { topicsTables } from '../../src/report/topics-table.js'
import type { ScenarioResult } from '../../src/result.js'

const latency = (p50: number, p99: number, max: number): LatencySummary => ({
  count: 10,
  p50,
  p90: p99,
  p99,
  max,
  mean: p50,
})

const row = (id: string, fields: Partial<ScenarioResult>): ScenarioResult => ({
  id,
  group: 'topics',
  label: id,
  subject: '',
  load: '',
  unit: 'notifications/s',
  throughput: 50,
  latencyOf: '',
  latency: latency(5, 50, 90),
  details: {},
  ...fields,
})

describe('topicsTables', () => {
  it('gives one churn line per step, repeated rates apart: first records, the stream, the counts', () => {
    const lines = topicsTables([
      row('topics-churn-1-10-stream', {
        details: { newTopics: 200, lost: 1, duplicates: 0, otherStatuses: { '503': 2 } },
      }),
      row('topics-churn-1-10-first', {
        unit: 'topics/s',
        latency: latency(80, 500, 700),
        details: { lost: 0, duplicates: 3, firstPostToAcceptedMs: latency(20, 120, 130) },
      }),
      row('topics-churn-2-10-stream', { details: { newTopics: 190 } }),
    ])
    expect(lines).toContain(
      '| 10 | 200 | 80.0 / 500 / 700 | 120 | 5.00 / 50.0 / 90.0 | 1 | 3 | 2 |',
    )
    expect(lines).toContain('| 10 | 190 |  |  | 5.00 / 50.0 / 90.0 | 0 | 0 | 0 |')
  })

  it('gives one scale line per count: idle CPU and RSS, the stream, the SIGTERM figures', () => {
    const lines = topicsTables([
      row('topics-idle-1000', {
        throughput: 0,
        cpu: {
          processes: [
            { name: 'kafka', percent: 17.2 },
            { name: 'consumer-1', percent: 15 },
            { name: 'redis', percent: 0.1 },
          ],
          machinePercent: 40,
          othersPercent: 8,
        },
        details: { topicsExisting: 1003, idleCpuPercent: 32.3, rssMiB: { kafka: 598 } },
      }),
      row('topics-stream-1000', { details: { lost: 0, duplicates: 0 } }),
      row('topics-handover-1000', {
        details: {
          exitMs: 310,
          handoverMs: 1250,
          handedOverBeforeRejoin: true,
          pauseMs: 1100,
          joinMs: 2400,
          joinedPartitions: 502,
          rejoinPauseMs: 900,
          lost: 0,
          duplicates: 2,
        },
      }),
    ])
    expect(lines).toContain(
      '| 1,003 | 32 % | kafka 17 %, consumer-1 15 % | kafka 598 | 5.00 / 50.0 / 90.0 | 310 | ' +
        '1,250 | 1,100 | 2,400 (502 partitions) | 900 | 0 / 0, 0 / 2 |',
    )
  })

  it('writes nothing without topics rows', () => {
    expect(topicsTables([row('e2e-100', { group: 'end to end' })])).toEqual([])
  })
})
