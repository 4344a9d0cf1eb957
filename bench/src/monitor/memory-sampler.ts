// Resident memory of every process taking part in a long run, sampled at a fixed interval, and
// what the samples say: a leak shows as a slope that stays after the first minutes, while a heap
// that breathes with garbage collection moves up and down around a level.

import { childPids, rssBytes } from './proc.js'
import type { Watched } from './cpu-sampler.js'

/** One process's samples: milliseconds since sampling began, and RSS in bytes. */
export interface MemorySeries {
  name: string
  samples: [atMs: number, bytes: number][]
}

export interface MemoryTrend {
  name: string
  /** RSS at the first sample of the judged window, at its last, and the highest seen, in MiB. */
  startMiB: number
  endMiB: number
  maxMiB: number
  /**
   * Least-squares slope over the judged window, MiB per minute: the window leaves out the first
   * `settleShare` of the run, while heaps, caches and the broker's JIT grow to their working size.
   */
  slopeMiBPerMinute: number
}

const MIB = 1024 * 1024

/** RSS of a watched process, with its children's when it counts them (nginx's workers). */
export function rssOf({ pid, withChildren }: Watched): number | undefined {
  const pids = withChildren ? [pid, ...childPids(pid)] : [pid]
  const values = pids.map(rssBytes).filter((value) => value !== undefined)
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0)
}

/**
 * Samples every `everyMs` the processes `watched()` names at that moment (a restarted process has
 * a new pid; its series continues under its name). The returned function stops and hands back
 * the series.
 */
export function startMemorySampler(
  watched: () => readonly Watched[],
  everyMs: number,
): () => MemorySeries[] {
  const startedAt = performance.now()
  const series = new Map<string, MemorySeries>()
  const sample = (): void => {
    const atMs = performance.now() - startedAt
    for (const each of watched()) {
      const bytes = rssOf(each)
      if (bytes === undefined) continue
      let entry = series.get(each.name)
      if (entry === undefined) {
        entry = { name: each.name, samples: [] }
        series.set(each.name, entry)
      }
      entry.samples.push([atMs, bytes])
    }
  }
  sample()
  const timer = setInterval(sample, everyMs)
  return () => {
    clearInterval(timer)
    sample()
    return [...series.values()]
  }
}

/** The trend of one series over all but its first `settleShare` (0 to 1) of the run. */
export function memoryTrend(series: MemorySeries, settleShare: number): MemoryTrend {
  const { samples } = series
  const lastAt = samples.at(-1)?.[0] ?? 0
  const judged = samples.filter(([atMs]) => atMs >= lastAt * settleShare)
  const window = judged.length >= 2 ? judged : samples
  const maxMiB = Math.max(...samples.map(([, bytes]) => bytes)) / MIB
  return {
    name: series.name,
    startMiB: (window[0]?.[1] ?? 0) / MIB,
    endMiB: (window.at(-1)?.[1] ?? 0) / MIB,
    maxMiB,
    slopeMiBPerMinute: slope(window.map(([atMs, bytes]) => [atMs / 60_000, bytes / MIB])),
  }
}

/** Least-squares slope of y over x; 0 for fewer than two distinct x. */
function slope(points: [x: number, y: number][]): number {
  const n = points.length
  if (n < 2) return 0
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n
  let covariance = 0
  let variance = 0
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY)
    variance += (x - meanX) ** 2
  }
  return variance === 0 ? 0 : covariance / variance
}
