// The topics scenario's own tables: its figures do not fit one throughput and one latency per row
// (a first record and a stream per churn rate; idle CPU, memory, a stream and a restart per count).

import type { LatencySummary } from '../histogram.js'
import type { ScenarioResult } from '../result.js'
import { formatCount, formatMs } from './format.js'

export function topicsTables(results: readonly ScenarioResult[]): string[] {
  const byId = new Map(results.map((result) => [result.id, result]))
  const lines: string[] = []
  const churnSteps = results.flatMap(({ id }) => {
    const match = /^topics-churn-(\d+-\d+)-stream$/.exec(id)?.[1]
    return match === undefined ? [] : [match]
  })
  if (churnSteps.length > 0) {
    lines.push(
      'Topic churn (a topic streaming at 50/s while new topics appear, each made by its first ' +
        'POST; first records at a subscriber of a pattern matching them; counts exact):',
      '',
      '| new topics/s | topics made | first record p50 / p99 / max ms | first POST → 202 p99 ms | streaming topic p50 / p99 / max ms | lost | twice | not 202 |',
      '| --: | --: | --: | --: | --: | --: | --: | --: |',
    )
    for (const churnStep of churnSteps) {
      const rate = churnStep.split('-')[1] as string
      const stream = byId.get(`topics-churn-${churnStep}-stream`) as ScenarioResult
      const first = byId.get(`topics-churn-${churnStep}-first`)
      const post = first?.details.firstPostToAcceptedMs as LatencySummary | undefined
      const cells = [
        String(rate),
        formatCount(Number(stream.details.newTopics ?? 0)),
        first === undefined ? '' : triple(first.latency),
        post === undefined ? '' : formatMs(post.p99),
        triple(stream.latency),
        formatCount(sum(stream, first, 'lost')),
        formatCount(sum(stream, first, 'duplicates')),
        formatCount(statusCount(stream)),
      ]
      lines.push(`| ${cells.join(' | ')} |`)
    }
  }
  const counts = idsMatching(results, /^topics-idle-(\d+)$/)
  if (counts.length > 0) {
    if (lines.length > 0) lines.push('')
    lines.push(
      'Topics at scale (idle: no traffic, no subscriber; CPU in % of one core, RSS at the end of ' +
        'the idle window; SIGTERM to the consumer holding the streamed topic, restarted by the ' +
        'supervisor, while a subscriber on the other consumer watches the stream):',
      '',
      '| topics | idle CPU, whole stack | idle CPU per process | RSS MiB | streaming p50 / p99 / max ms | SIGTERM → exit ms | SIGTERM → stream again ms | longest pause ms | restart → ready ms | pause as partitions return ms | lost / twice |',
      '| --: | --: | --- | --- | --: | --: | --: | --: | --: | --: | --: |',
    )
    for (const count of counts) {
      const idle = byId.get(`topics-idle-${count}`) as ScenarioResult
      const stream = byId.get(`topics-stream-${count}`)
      const handover = byId.get(`topics-handover-${count}`)
      const h = handover?.details ?? {}
      const rss = (idle.details.rssMiB ?? {}) as Record<string, number>
      const joined =
        typeof h.joinedPartitions === 'number' ? ` (${h.joinedPartitions} partitions)` : ''
      const cells = [
        formatCount(Number(idle.details.topicsExisting ?? count)),
        `${Math.round(Number(idle.details.idleCpuPercent ?? 0))} %`,
        (idle.cpu?.processes ?? [])
          .filter(({ percent }) => percent >= 0.5)
          .map(({ name, percent }) => `${name} ${Math.round(percent)} %`)
          .join(', '),
        Object.entries(rss)
          .map(([name, mib]) => `${name} ${mib}`)
          .join(', '),
        stream === undefined ? '' : triple(stream.latency),
        ms(h.exitMs),
        ms(h.handoverMs) + (h.handedOverBeforeRejoin === false ? ' (after the restart)' : ''),
        ms(h.pauseMs),
        ms(h.joinMs) + joined,
        ms(h.rejoinPauseMs),
        [stream, handover]
          .filter((row) => row !== undefined)
          .map(
            (row) =>
              `${formatCount(Number(row.details.lost ?? 0))} / ${formatCount(Number(row.details.duplicates ?? 0))}`,
          )
          .join(', '),
      ]
      lines.push(`| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`)
    }
  }
  return lines
}

function idsMatching(results: readonly ScenarioResult[], pattern: RegExp): number[] {
  return results.flatMap(({ id }) => {
    const match = pattern.exec(id)?.[1]
    return match === undefined ? [] : [Number(match)]
  })
}

function triple({ p50, p99, max }: LatencySummary): string {
  return `${formatMs(p50)} / ${formatMs(p99)} / ${formatMs(max)}`
}

function ms(value: unknown): string {
  return typeof value === 'number' ? formatMs(value) : ''
}

function sum(a: ScenarioResult, b: ScenarioResult | undefined, key: string): number {
  return Number(a.details[key] ?? 0) + Number(b?.details[key] ?? 0)
}

/** Answers other than 202 in a churn step (both rows share them). */
function statusCount({ details }: ScenarioResult): number {
  const statuses = (details.otherStatuses ?? {}) as Record<string, number>
  return Object.values(statuses).reduce((total, each) => total + each, 0)
}
