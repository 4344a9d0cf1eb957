// The run as a Markdown table, one row per scenario, with the machine it ran on and, per row, the
// processes that were busiest while it was measured: the first to reach 100 % (one core) is
// usually what limits the figure.

import type { BenchRun, ScenarioResult } from '../result.js'
import { formatCount, formatMs } from './format.js'
import { PACED_GROUP, pacedTables } from './paced-table.js'
import { soakTables } from './soak-table.js'
import { topicsTables } from './topics-table.js'

export function markdownReport(run: BenchRun): string {
  const { machine, options } = run
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  const lines = [
    `# herald bench, ${run.startedAt}`,
    '',
    `${machine.cpuCount} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}; ` +
      `${versions}; commit ${machine.commit}` +
      `${machine.uncommittedChanges ? ' with uncommitted changes' : ''}. Load average at the start: ` +
      `${machine.loadAverage.join(', ')} (a shared machine: see "others" per row).`,
    '',
    `${options.durationMs / 1000} s measured per scenario after ${options.warmupMs / 1000} s of ` +
      `warm-up; each stack the bench starts first takes ${options.stackWarmupMs / 1000} s ` +
      `of unmeasured load; \`${run.commandLine}\`.`,
    '',
    '| scenario | what | load | throughput | p50 ms | p90 ms | p99 ms | max ms | vs | server CPU µs per op | busiest processes (100 % = 1 core) |',
    '| --- | --- | --- | --: | --: | --: | --: | --: | --- | --: | --- |',
    ...run.results.filter(({ group }) => group !== PACED_GROUP).map(row),
    '',
    'Latency is, for HTTP rows, `POST` sent → `202` received; for Kafka, one `send` of 1,000 ' +
      'records; end to end and fan-out, `POST` sent → notification received by a subscriber. ' +
      '_Server CPU µs per op_ is the CPU time of every process but the load generators, ' +
      'subscribers and the bench, per request, record, notification or delivery: where the ' +
      'host is near 200 %, it compares designs better than throughput does.',
  ]
  const fanouts = run.results.filter(
    (result) =>
      result.unit === 'deliveries/s' && result.group !== 'soak' && result.group !== PACED_GROUP,
  )
  if (fanouts.length > 0) lines.push('', ...connectionsTable(fanouts))
  const topics = topicsTables(run.results)
  if (topics.length > 0) lines.push('', ...topics)
  const paced = pacedTables(run.results)
  if (paced.length > 0) lines.push('', ...paced)
  const soak = soakTables(run.results)
  if (soak.length > 0) lines.push('', ...soak)
  const warnings = run.results.flatMap(anomalies)
  if (warnings.length > 0) lines.push('', 'Worth knowing:', '', ...warnings.map((w) => `- ${w}`))
  if (run.failures.length > 0) {
    lines.push('', 'Failed:', '', ...run.failures.map((f) => `- ${f.scenario}: ${f.error}`))
  }
  return `${lines.join('\n')}\n`
}

function row(result: ScenarioResult): string {
  const { latency } = result
  const cells = [
    result.label,
    result.subject,
    result.load,
    `${formatCount(result.throughput)} ${result.unit}`,
    formatMs(latency.p50),
    formatMs(latency.p90),
    formatMs(latency.p99),
    formatMs(latency.max),
    result.versus === undefined ? '' : `${result.versus.ratio.toFixed(2)}× ${result.versus.label}`,
    result.serverCpuMicros === undefined ? '' : formatMs(result.serverCpuMicros),
    busiest(result),
  ]
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`
}

function busiest({ cpu }: ScenarioResult): string {
  if (cpu === undefined) return ''
  const top = cpu.processes
    .filter((each) => each.percent >= 5)
    .slice(0, 4)
    .map((each) => `${each.name} ${Math.round(each.percent)} %`)
  return `${top.join(', ')}; host ${Math.round(cpu.machinePercent)} %, others ${Math.round(cpu.othersPercent)} %`
}

/** Fan-out connections: how long they took and what each costs the servers holding them. */
function connectionsTable(results: ScenarioResult[]): string[] {
  const mib = (value: unknown): string => (typeof value === 'number' ? value.toFixed(0) : '—')
  const kib = (value: unknown): string => (typeof value === 'number' ? value.toFixed(1) : '—')
  return [
    'Fan-out connections (server RSS from /proc — the consumers for herald, the one process for ' +
      'bare Socket.IO — read before the subscribers connect, once all have connected, idle, and ' +
      'once all have subscribed; the heap may grow or give memory back between reads, so a ' +
      'figure moves by a few KiB per run):',
    '',
    '| scenario | connected | connect s | server RSS before → idle → subscribed MiB | KiB per idle connection | KiB per subscription | KiB per connection, in all |',
    '| --- | --: | --: | --: | --: | --: | --: |',
    ...results.map(({ label, details }) => {
      return `| ${[
        label,
        formatCount(Number(details.connected)),
        Number(details.connectSeconds).toFixed(1),
        `${mib(details.serverRssBeforeMiB)} → ${mib(details.serverRssIdleMiB)} → ${mib(details.serverRssAfterMiB)}`,
        kib(details.serverKiBPerIdleConnection),
        kib(details.serverKiBPerSubscription),
        kib(details.serverKiBPerConnection),
      ].join(' | ')} |`
    }),
  ]
}

/** Counts that should be zero, named when they are not. */
function anomalies({ label, details }: ScenarioResult): string[] {
  const names: Record<string, string> = {
    networkErrors: 'network errors',
    skippedSends: 'sends skipped (512 already in flight: the offered rate was not reached)',
    lost: 'accepted but never received',
    duplicates: 'received twice',
    failedConnections: 'subscribers that could not connect',
    lostDeliveries: 'deliveries missing',
    timedOutNotifications: 'notifications not delivered to everyone within 10 s',
    disconnects: 'subscribers disconnected during the run',
    unaccepted: 'arrived although their POST was not answered 202',
    notRecovered: 're-subscribes not answered recovered',
    unexpectedCloses: 'subscribers closed by the server',
    churnFailures: 'churning sockets that failed',
  }
  const found = Object.entries(names).flatMap(([key, what]) => {
    const value = details[key]
    return typeof value === 'number' && value > 0 ? [`${formatCount(value)} ${what}`] : []
  })
  const statuses = Object.entries((details.otherStatuses ?? {}) as Record<string, number>)
  for (const [status, count] of statuses) found.push(`${formatCount(count)} answers ${status}`)
  return found.length === 0 ? [] : [`${label}: ${found.join(', ')}`]
}
