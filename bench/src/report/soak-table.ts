// The soak's own table: one row per process, how its resident memory moved over the run.

import type { MemoryTrend } from '../monitor/memory-sampler.js'
import type { ScenarioResult } from '../result.js'
import { formatCount } from './format.js'

export function soakTables(results: readonly ScenarioResult[]): string[] {
  const soak = results.find(({ id }) => id === 'soak')
  if (soak === undefined) return []
  const { details } = soak
  const memory = details.memory as MemoryTrend[]
  const settleShare = Number(details.settleShare)
  const resubscribe = details.resubscribeMs as { p50: number; p99: number } | undefined
  return [
    `Soak (${soak.load}; ${formatCount(Number(details.reconnects))} reconnects with positions, ` +
      `${formatCount(Number(details.notRecovered))} not recovered, re-subscribe → ack p50 ` +
      `${resubscribe?.p50.toFixed(0)} / p99 ${resubscribe?.p99.toFixed(0)} ms; ` +
      `${formatCount(Number(details.churnConnects))} churning sockets; ` +
      `${formatCount(Number(details.lostDeliveries))} deliveries missing, ` +
      `${formatCount(Number(details.duplicates))} twice). RSS sampled every ` +
      `${Number(details.sampleEveryMs) / 1000} s; start, end and slope leave the first ` +
      `${Math.round(settleShare * 100)} % of the run out:`,
    '',
    '| process | RSS start → end MiB | max MiB | slope MiB/min |',
    '| --- | --: | --: | --: |',
    ...memory.map(
      (each) =>
        `| ${each.name} | ${each.startMiB.toFixed(0)} → ${each.endMiB.toFixed(0)} | ` +
        `${each.maxMiB.toFixed(0)} | ${each.slopeMiBPerMinute.toFixed(2)} |`,
    ),
  ]
}
