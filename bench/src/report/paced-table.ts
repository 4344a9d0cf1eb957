// The paced fan-out's tables: one per path and subscriber count, a row per offered rate, the
// maximum sustained rate above it, and each kind of process's CPU so a saturated harness shows.

import { maxSustainedRate, SUSTAINED_P99_MS } from '../paced/sustained.js'
import type { ScenarioResult } from '../result.js'
import { formatCount, formatMs } from './format.js'

export const PACED_GROUP = 'paced fan-out'

/** Process names summed into one column: a kind, however many instances. */
const CPU_KINDS: [string, RegExp][] = [
  ['consumers', /^consumer-/],
  ['nginx', /^nginx$/],
  ['redis', /^redis$/],
  ['kafka', /^kafka/],
  ['producers', /^producer-/],
  ['subscribers', /^subscribers-/],
  ['publisher', /^(load|bench)$/],
]

export function pacedTables(results: readonly ScenarioResult[]): string[] {
  const runs = new Map<string, ScenarioResult[]>()
  for (const result of results.filter(({ group }) => group === PACED_GROUP)) {
    const key = `${String(result.details.path)} ×${formatCount(Number(result.details.subscribers))}`
    runs.set(key, [...(runs.get(key) ?? []), result])
  }
  if (runs.size === 0) return []
  const lines = [
    `Paced fan-out (the publisher on schedule, never waiting for subscribers; latency from each ` +
      `POST to each receipt; _sustained_: every delivery arrived and p99 ≤ ${SUSTAINED_P99_MS} ms, ` +
      'at this rate and every lower one; CPU 100 % = 1 core):',
  ]
  for (const [name, steps] of runs) {
    const outcomes = steps.map(({ details, latency }) => ({
      offered: Number(details.offered),
      deliveredShare: Number(details.deliveredShare),
      p99: latency.p99,
    }))
    const best = maxSustainedRate(outcomes)
    lines.push(
      '',
      `**${name}**: maximum sustained ${best === undefined ? 'none of the rates' : `${formatCount(best)} deliveries/s`}`,
      '',
      `| offered/s | notifications/s | delivered/s | delivered | p50 ms | p99 ms | max ms | ${CPU_KINDS.map(([kind]) => `${kind} %`).join(' | ')} |`,
      `| --: | --: | --: | --: | --: | --: | --: | ${CPU_KINDS.map(() => '--:').join(' | ')} |`,
      ...steps.map(stepRow),
    )
  }
  return lines
}

function stepRow({ details, latency, throughput, cpu }: ScenarioResult): string {
  const percentOf = (pattern: RegExp): string => {
    const matching = cpu?.processes.filter(({ name }) => pattern.test(name)) ?? []
    return matching.length === 0
      ? '—'
      : String(Math.round(matching.reduce((sum, { percent }) => sum + percent, 0)))
  }
  const cells = [
    formatCount(Number(details.offered)),
    Number(details.notificationsPerSecond).toFixed(1),
    formatCount(throughput),
    `${(Number(details.deliveredShare) * 100).toFixed(2)} %`,
    formatMs(latency.p50),
    formatMs(latency.p99),
    formatMs(latency.max),
    ...CPU_KINDS.map(([, pattern]) => percentOf(pattern)),
  ]
  return `| ${cells.join(' | ')} |`
}
