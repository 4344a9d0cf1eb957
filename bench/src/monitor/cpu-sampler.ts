// CPU use of every process taking part in a measurement, over exactly its measured window: the
// evidence for which one saturates first. 100 % is one core busy; the machine has cpus × 100 %.

import { cpus } from 'node:os'

import { childPids, cpuTicks, machineTicks, TICKS_PER_SECOND } from './proc.js'

export interface Watched {
  name: string
  pid: number
  /** Counts the process's children too (nginx's workers). */
  withChildren?: boolean
}

export interface CpuUse {
  name: string
  percent: number
}

export interface CpuReport {
  /** Ours, busiest first. */
  processes: CpuUse[]
  /** The whole machine, in the same unit: up to cpus × 100. */
  machinePercent: number
  /** Busy time of processes that are not part of the bench: other people's work on this host. */
  othersPercent: number
}

/** The bench's own processes: they generate and observe the load, they are not measured. */
export const MEASURING = /^(load|bench|subscribers?(-\d+)?)$/

/**
 * CPU time the measured servers spent per operation, in microseconds: every watched process but
 * the load generators, subscribers and the bench, over `throughput` operations per second. On a
 * machine whose cores are all busy this, not the throughput, is what compares designs.
 */
export function serverMicrosPerOperation(report: CpuReport, throughput: number): number {
  const percent = report.processes
    .filter(({ name }) => !MEASURING.test(name))
    .reduce((sum, { percent: each }) => sum + each, 0)
  return throughput > 0 ? ((percent / 100) * 1_000_000) / throughput : Number.NaN
}

function ticksOf({ pid, withChildren }: Watched): number {
  const pids = withChildren ? [pid, ...childPids(pid)] : [pid]
  return pids.reduce((sum, each) => sum + (cpuTicks(each) ?? 0), 0)
}

/** Starts watching now; the returned function ends the window and reports it. */
export function startCpuSampler(watched: readonly Watched[]): () => CpuReport {
  const startedAt = performance.now()
  const machineBefore = machineTicks()
  const before = watched.map(ticksOf)
  return () => {
    const seconds = (performance.now() - startedAt) / 1000
    const machineAfter = machineTicks()
    const processes = watched
      .map((each, i) => ({
        name: each.name,
        percent: ((ticksOf(each) - (before[i] ?? 0)) / TICKS_PER_SECOND / seconds) * 100,
      }))
      .sort((a, b) => b.percent - a.percent)
    const busy = machineAfter.busy - machineBefore.busy
    const total = machineAfter.total - machineBefore.total
    const machinePercent = total > 0 ? (busy / total) * cpus().length * 100 : 0
    const ours = processes.reduce((sum, each) => sum + each.percent, 0)
    return { processes, machinePercent, othersPercent: Math.max(0, machinePercent - ours) }
  }
}
