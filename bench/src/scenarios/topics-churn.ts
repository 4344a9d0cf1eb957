// Churn: one topic streams at 50/s while brand-new topics appear at a fixed rate, each created by
// its first POST; a pattern subscriber that matches them all times each first record. Rate 0 is
// the baseline: the stream alone.

import { nowMs, sleep } from '../clock.js'
import { startCpuSampler } from '../monitor/cpu-sampler.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF } from './http-load-run.js'
import { TopicWatcher } from './topic-watcher.js'
import { topicsBetween } from './topics-plan.js'

export async function topicChurn(
  context: ScenarioContext,
  target: HeraldTarget,
  rate: number,
  /** Which churn step this is (0 for the stream alone), so that repeated rates stay apart. */
  ordinal: number,
): Promise<ScenarioResult[]> {
  const { options } = context
  const name = `bench-churn-${Date.now().toString(36)}-${rate}`
  const newTopics = `${name}-new`
  const watcher = new TopicWatcher(target.url, `${name}-stream`)
  try {
    await watcher.start(rate > 0 ? [`${newTopics}.*`] : [])
    const windowMs = rate > 0 ? options.churnMs : options.durationMs
    const sample = startCpuSampler([...target.watched(), BENCH_ITSELF])
    const startedAt = nowMs()
    const stopStream = watcher.startStream()
    let made = 0
    for (;;) {
      const elapsed = nowMs() - startedAt
      if (elapsed >= windowMs) break
      // Catch up on every topic due by now, then sleep a little: a fixed schedule, not a loop
      // slowed by the answers.
      for (const index of topicsBetween(rate, made, elapsed)) {
        watcher.post(`${newTopics}.t${index}`)
        made += 1
      }
      await sleep(Math.min(10, windowMs - elapsed))
    }
    await stopStream()
    const seconds = (nowMs() - startedAt) / 1000
    const cpu = sample()
    await watcher.drain()
    return churnRows(watcher, { ordinal, rate, made, seconds, cpu, stream: `${name}-stream` })
  } finally {
    watcher.close()
  }
}

function churnRows(
  watcher: TopicWatcher,
  step: {
    ordinal: number
    rate: number
    made: number
    seconds: number
    cpu: ScenarioResult['cpu']
    stream: string
  },
): ScenarioResult[] {
  const { ordinal, rate, made, seconds, cpu, stream } = step
  const counts = watcher.tally.counts()
  const { lost: streamLost, duplicates: streamDuplicates } = watcher.tally.countsOf(stream)
  const lostByTopic = Object.fromEntries(
    Object.entries(counts.lostByTopic).filter(([t]) => t !== stream),
  )
  const duplicatesByTopic = Object.fromEntries(
    Object.entries(counts.duplicatesByTopic).filter(([t]) => t !== stream),
  )
  const common = { seconds, newTopicsPerSecond: rate, newTopics: made }
  // Counted once, on the stream's row: the POSTs of both rows.
  const sends = {
    ...watcher.sendTrouble,
    unaccepted: counts.unaccepted,
  }
  const load =
    rate === 0
      ? 'one topic at 50/s, no new topics'
      : `${rate} new topics/s for ${Math.round(seconds)} s (${made} topics), one topic at 50/s`
  const rows: ScenarioResult[] = [
    {
      id: `topics-churn-${ordinal}-${rate}-stream`,
      group: 'topics',
      label:
        rate === 0 ? 'streaming topic, no new topics' : `streaming topic, ${rate} new topics/s`,
      subject:
        rate === 0
          ? 'one topic streamed at 50/s through nginx, nothing else sent'
          : 'one topic streamed at 50/s through nginx while new topics join the consumers',
      load,
      unit: 'notifications/s',
      throughput: watcher.streamLatency.count / seconds,
      latencyOf: 'POST sent → notification received',
      latency: watcher.streamLatency.summary(),
      cpu,
      details: { ...common, ...sends, ...watcher.tally.countsOf(stream) },
    },
  ]
  if (rate > 0) {
    rows.push({
      id: `topics-churn-${ordinal}-${rate}-first`,
      group: 'topics',
      label: `new topics' first record, ${rate}/s`,
      subject: 'POST to a topic that did not exist → a subscriber of a pattern matching it',
      load,
      unit: 'topics/s',
      throughput: watcher.firstLatency.count / seconds,
      latencyOf: 'first POST sent → first record received',
      latency: watcher.firstLatency.summary(),
      details: {
        ...common,
        lost: counts.lost - streamLost,
        duplicates: counts.duplicates - streamDuplicates,
        lostByTopic,
        duplicatesByTopic,
        firstPostToAcceptedMs: watcher.firstPostLatency.summary(),
      },
    })
  }
  return rows
}
