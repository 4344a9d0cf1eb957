// One run of the HTTP load generator against a target, with the CPU of everything involved sampled
// over exactly the generator's measured window.

import { Histogram } from '../histogram.js'
import type { HttpLoadConfig, HttpLoadMeasuring, HttpLoadResult } from '../load/http-load.js'
import { startCpuSampler, type CpuReport, type Watched } from '../monitor/cpu-sampler.js'
import type { BenchOptions } from '../options.js'
import { forkBench } from '../process/child.js'
import type { ScenarioResult } from '../result.js'

export interface HttpLoadRun {
  result: HttpLoadResult
  cpu: CpuReport
  /** 202s per second over the measured window. */
  throughput: number
}

/** The bench's own process, watched in every scenario: it must never be what saturates. */
export const BENCH_ITSELF: Watched = { name: 'bench', pid: process.pid }

export async function runHttpLoad(
  config: Pick<HttpLoadConfig, 'origin' | 'topic' | 'mode'> & Partial<HttpLoadConfig>,
  options: BenchOptions,
  watched: readonly Watched[],
  onMeasuring?: (measuring: HttpLoadMeasuring) => void,
): Promise<HttpLoadRun> {
  const full: HttpLoadConfig = {
    path: '/notify',
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    maxInFlight: 512,
    maxRequests: 10_000_000,
    ...config,
  }
  const load = forkBench('load/http-load.js', 'load', full)
  try {
    const timeoutMs = full.warmupMs + full.durationMs + 60_000
    const measuring = await load.receive<HttpLoadMeasuring>('measuring', timeoutMs)
    onMeasuring?.(measuring)
    const sample = startCpuSampler([...watched, { name: 'load', pid: load.pid }, BENCH_ITSELF])
    const result = await load.receive<HttpLoadResult>('result', timeoutMs)
    const cpu = sample()
    const seconds = (result.endedAt - result.startedAt) / 1000
    return { result, cpu, throughput: result.accepted / seconds }
  } finally {
    await load.stop()
  }
}

/** POSTs to `origin` at the run's fixed concurrency, as fast as answers come back. */
export function runClosedLoop(
  origin: string,
  topic: string,
  options: BenchOptions,
  watched: readonly Watched[],
  authorization?: string,
): Promise<HttpLoadRun> {
  return runHttpLoad(
    {
      origin,
      topic,
      mode: { kind: 'closed', concurrency: options.concurrency },
      ...(authorization === undefined ? {} : { authorization }),
    },
    options,
    watched,
  )
}

/** A closed-loop HTTP run as a table row: throughput of 202s and their latency. */
export function httpRow(
  run: HttpLoadRun,
  row: Pick<ScenarioResult, 'id' | 'group' | 'label' | 'subject' | 'load'>,
): ScenarioResult {
  const { result } = run
  return {
    ...row,
    unit: 'req/s',
    throughput: run.throughput,
    latencyOf: 'POST → 202',
    latency: new Histogram().merge(result.latency).summary(),
    cpu: run.cpu,
    details: {
      accepted: result.accepted,
      otherStatuses: result.statuses,
      networkErrors: result.networkErrors,
      seconds: (result.endedAt - result.startedAt) / 1000,
    },
  }
}
