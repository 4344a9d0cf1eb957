// The shape of one run's results: what bench/results/<date>.json holds and the reports read.

import type { LatencySummary } from './histogram.js'
import type { MachineInfo } from './machine.js'
import type { CpuReport } from './monitor/cpu-sampler.js'
import type { BenchOptions } from './options.js'

export type ThroughputUnit = 'req/s' | 'records/s' | 'notifications/s' | 'deliveries/s' | 'topics/s'

export interface ScenarioResult {
  /** Stable id, e.g. `ingest-2p`; comparisons refer to it. */
  id: string
  /** herald ingest, plain design, ceiling, end to end, fan-out. */
  group: string
  /** The row's name in the table and the chart: `herald ingest, 2 producers`. */
  label: string
  /** What ran, in a few words: `herald: nginx → 2 producers → Kafka`. */
  subject: string
  /** Load and topology: `c=64`, `1,000 notifications/s`, `10,000 subscribers`. */
  load: string
  unit: ThroughputUnit
  throughput: number
  /** What one latency sample is, e.g. `POST → 202`. */
  latencyOf: string
  latency: LatencySummary
  /** This figure divided by a baseline's, e.g. herald ingest over the plain design. */
  versus?: { id: string; label: string; ratio: number }
  cpu?: CpuReport
  /** CPU of the servers (not the load, subscribers or bench) per unit of throughput, in µs. */
  serverCpuMicros?: number
  /** Everything else worth keeping: error counts, skipped sends, memory per connection. */
  details: Record<string, unknown>
}

export interface BenchRun {
  startedAt: string
  finishedAt: string
  commandLine: string
  options: BenchOptions
  machine: MachineInfo
  /** How the stacks were started: producers, consumers and their environment. */
  stacks: Record<string, unknown>[]
  results: ScenarioResult[]
  /** Scenarios that failed, with why; the others still count. */
  failures: { scenario: string; error: string }[]
}
