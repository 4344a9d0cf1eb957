// Scale: with many topics existing, what they cost while nothing is sent (each process's CPU and
// memory), then one topic streamed at 50/s among them.

import { nowMs, sleep } from '../clock.js'
import { Histogram } from '../histogram.js'
import { startCpuSampler, type Watched } from '../monitor/cpu-sampler.js'
import { childPids, rssBytes } from '../monitor/proc.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import { consumersHold, topUpTopics } from './bulk-topics.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF } from './http-load-run.js'
import { TopicWatcher } from './topic-watcher.js'
import { rssByName, stackPercent } from './topics-plan.js'

/** The topic streamed among `count` others: the hand-over step streams it again. */
export function scaleStreamTopic(prefix: string, count: number): string {
  return `${prefix}-stream-${count}`
}

export async function topicScale(
  context: ScenarioContext,
  target: HeraldTarget,
  prefix: string,
  count: number,
): Promise<ScenarioResult[]> {
  const { options } = context
  const progress = (line: string): void => context.progress(line)
  const label = count.toLocaleString('en-US')
  progress(`bench ▸   topping the topics up to ${label}, straight through Kafka`)
  // The streamed topic is made with the others: a brand-new topic among 5,000 had not reached a
  // subscriber after 60 s (kafkajs, 2026-12-02), and that is the churn steps' subject, not this.
  const stream = scaleStreamTopic(prefix, count)
  const topUp = await topUpTopics(target, { prefix, count, first: [stream] }, progress)
  const heldSeconds = await consumersHold(target, topUp.benchTopics)
  progress(
    `bench ▸   ${topUp.existing.toLocaleString('en-US')} topics; created ${topUp.created} in ` +
      `${topUp.seconds.toFixed(1)} s, every consumer held them ${heldSeconds.toFixed(1)} s later`,
  )
  // The consumers' last re-subscription may still be settling.
  await sleep(Math.max(2000, options.warmupMs * 2.5))

  const watched = target.watched()
  const sampleIdle = startCpuSampler(watched)
  await sleep(options.durationMs)
  const idle = sampleIdle()
  const rssMiB = rssByName(watched.map((each) => ({ name: each.name, rssBytes: rssOf(each) })))
  const setup = {
    topicsExisting: topUp.existing,
    created: topUp.created,
    createSeconds: topUp.seconds,
    heldSeconds,
  }

  const watcher = new TopicWatcher(target.url, stream)
  try {
    await watcher.start([])
    const sample = startCpuSampler([...target.watched(), BENCH_ITSELF])
    const startedAt = nowMs()
    const stopStream = watcher.startStream()
    await sleep(options.durationMs)
    await stopStream()
    const seconds = (nowMs() - startedAt) / 1000
    const cpu = sample()
    await watcher.drain()
    const load = `${topUp.existing.toLocaleString('en-US')} topics existing (${topUp.created} made for this step)`
    return [
      {
        id: `topics-idle-${count}`,
        group: 'topics',
        label: `idle, ${label} topics`,
        subject: 'nothing sent, no subscriber: what existing topics cost each process',
        load,
        unit: 'notifications/s',
        throughput: 0,
        latencyOf: 'none (idle)',
        latency: new Histogram().summary(),
        cpu: idle,
        details: { ...setup, idleCpuPercent: stackPercent(idle.processes), rssMiB },
      },
      {
        id: `topics-stream-${count}`,
        group: 'topics',
        label: `streaming topic, ${label} topics`,
        subject: 'one topic streamed at 50/s through nginx among many idle ones',
        load,
        unit: 'notifications/s',
        throughput: watcher.streamLatency.count / seconds,
        latencyOf: 'POST sent → notification received',
        latency: watcher.streamLatency.summary(),
        cpu,
        details: {
          ...setup,
          ...watcher.tally.countsOf(stream),
          seconds,
          ...watcher.sendTrouble,
        },
      },
    ]
  } finally {
    watcher.close()
  }
}

/** Resident memory of a process, with its children's for nginx (its workers). */
function rssOf({ pid, withChildren }: Watched): number | undefined {
  const own = rssBytes(pid)
  if (own === undefined || withChildren !== true) return own
  return childPids(pid).reduce((sum, child) => sum + (rssBytes(child) ?? 0), own)
}
