// The soak: minutes of mixed load on one stack — a stream fanned out to steady subscribers that
// reconnect in turn and recover from their positions, sockets churning through topics of their
// own, and ingest on a topic nobody watches — with the resident memory of every process sampled
// throughout. What it answers: does anything grow without bound, and is anything lost or repeated
// across hundreds of reconnects.

import { nowMs, sleep } from '../clock.js'
import { Histogram } from '../histogram.js'
import { postNotification } from '../load/post-notification.js'
import type { Watched } from '../monitor/cpu-sampler.js'
import {
  memoryTrend,
  rssOf,
  startMemorySampler,
  type MemorySeries,
} from '../monitor/memory-sampler.js'
import { forkBench } from '../process/child.js'
import type { ScenarioResult } from '../result.js'
import type {
  SoakReportRequest,
  SoakSubscribersConfig,
  SoakSubscribersReport,
} from '../soak/soak-subscribers.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF, runHttpLoad } from './http-load-run.js'

/**
 * The mix: well inside what the stack sustains (README › Performance: 1,000 subscribers took
 * 20,000 deliveries/s at p99 139 ms), so that a figure that moves is the run's age, not overload.
 */
const STREAM_RATE = 100
const STEADY_SOCKETS = 200
const RECONNECT_EVERY_MS = 500
const CHURN_PER_SECOND = 10
const CHURN_LIFETIME_MS = 3000
const CHURN_TOPICS = 50
const INGEST_RATE = 500
const SAMPLE_EVERY_MS = 10_000
/** The first fifth of the run is where heaps and caches grow to their working size: not judged. */
const SETTLE_SHARE = 0.2
const CATCH_UP_MS = 60_000

export async function soak(
  context: ScenarioContext,
  target: HeraldTarget,
): Promise<ScenarioResult> {
  const { options } = context
  const durationMs = options.soakMinutes * 60_000
  const run = Date.now().toString(36)
  const streamTopic = `bench-soak-${run}-stream`
  const ingestTopic = `bench-soak-${run}-ingest`
  const churnTopics = Array.from({ length: CHURN_TOPICS }, (_, i) => `bench-soak-${run}-c${i}`)
  // Every topic made by its first POST before anyone subscribes: the run measures steady state.
  for (const topic of [streamTopic, ingestTopic, ...churnTopics]) {
    await postNotification(target.url, { topic, message: { probe: true } })
  }

  const config: SoakSubscribersConfig = {
    origin: target.url,
    streamTopic,
    steadySockets: STEADY_SOCKETS,
    reconnectEveryMs: RECONNECT_EVERY_MS,
    churnPerSecond: CHURN_PER_SECOND,
    churnLifetimeMs: CHURN_LIFETIME_MS,
    churnTopics,
  }
  const subscribers = forkBench('soak/soak-subscribers.js', 'subscribers', config)
  try {
    await subscribers.receive('ready', 120_000)
    const watched = (): Watched[] => [
      ...target.watched(),
      { name: 'subscribers', pid: subscribers.pid },
      BENCH_ITSELF,
    ]
    const stopSampling = startMemorySampler(watched, SAMPLE_EVERY_MS)
    const startedAt = nowMs()
    const ticker = setInterval(() => {
      const minutes = ((nowMs() - startedAt) / 60_000).toFixed(0)
      context.progress(
        `bench ▸ soak ${minutes}/${options.soakMinutes} min: RSS ${rssLine(watched())}`,
      )
    }, 60_000)
    subscribers.send({ type: 'run' })
    let series: MemorySeries[]
    let stream, ingest
    try {
      const load = (topic: string, ratePerSecond: number) =>
        runHttpLoad(
          {
            origin: target.url,
            topic,
            mode: { kind: 'paced', ratePerSecond },
            warmupMs: 0,
            durationMs,
          },
          options,
          watched(),
        )
      ;[stream, ingest] = await Promise.all([
        load(streamTopic, STREAM_RATE),
        load(ingestTopic, INGEST_RATE),
      ])
      subscribers.send({ type: 'settle' })
      await subscribers.receive('settled', 60_000)
    } finally {
      clearInterval(ticker)
      series = stopSampling()
    }
    const end = await positionOf(target.url, streamTopic)
    const report = await caughtUp(subscribers, end)
    const seconds = (stream.result.endedAt - stream.result.startedAt) / 1000
    const memory = series.map((each) => memoryTrend(each, SETTLE_SHARE))
    return {
      id: 'soak',
      group: 'soak',
      label: `soak, ${options.soakMinutes} min of mixed load`,
      subject:
        `${STEADY_SOCKETS} subscribers of a stream (one reconnects with its positions every ` +
        `${RECONNECT_EVERY_MS} ms), ${CHURN_PER_SECOND} sockets/s churning over ${CHURN_TOPICS} ` +
        `topics, ingest on another topic (${target.label})`,
      load: `${STREAM_RATE}/s streamed + ${INGEST_RATE}/s ingest, through nginx`,
      unit: 'deliveries/s',
      throughput: report.received / seconds,
      latencyOf: 'POST sent → received by a steady subscriber (live or replayed)',
      latency: new Histogram().merge(report.latency).summary(),
      cpu: stream.cpu,
      details: {
        seconds,
        streamAccepted: stream.result.accepted,
        ingestAccepted: ingest.result.accepted,
        otherStatuses: mergeCounts(stream.result.statuses, ingest.result.statuses),
        networkErrors: stream.result.networkErrors + ingest.result.networkErrors,
        skippedSends: stream.result.skipped + ingest.result.skipped,
        lostDeliveries: report.missing,
        duplicates: report.duplicates,
        reconnects: report.reconnects,
        notRecovered: report.notRecovered,
        unexpectedCloses: report.unexpectedCloses,
        churnConnects: report.churnConnects,
        churnFailures: report.churnFailures,
        firstProblem: report.firstProblem,
        resubscribeMs: new Histogram().merge(report.resubscribeLatency).summary(),
        memory,
        memorySeries: series,
        sampleEveryMs: SAMPLE_EVERY_MS,
        settleShare: SETTLE_SHARE,
      },
    }
  } finally {
    await subscribers.stop()
  }
}

async function positionOf(url: string, topic: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/topics/${encodeURIComponent(topic)}/position`)
  const body = (await response.json()) as { position?: Record<string, string> }
  if (response.status !== 200 || body.position === undefined) {
    throw new Error(`GET /topics/${topic}/position answered ${response.status}`)
  }
  return body.position
}

/** The subscribers' report once they hold everything up to `end`, or when CATCH_UP_MS passed. */
async function caughtUp(
  subscribers: ReturnType<typeof forkBench>,
  end: Record<string, string>,
): Promise<SoakSubscribersReport> {
  const deadline = Date.now() + CATCH_UP_MS
  for (;;) {
    const request: SoakReportRequest = { type: 'report', end }
    subscribers.send(request)
    const report = await subscribers.receive<SoakSubscribersReport>('report', 30_000)
    if (report.missing === 0 || Date.now() > deadline) return report
    await sleep(500)
  }
}

function mergeCounts(...counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {}
  for (const each of counts) {
    for (const [key, value] of Object.entries(each)) merged[key] = (merged[key] ?? 0) + value
  }
  return merged
}

/** `consumer-1 93, consumer-2 88, …` in MiB: the progress line's. */
function rssLine(watched: readonly Watched[]): string {
  return watched
    .map((each) => `${each.name} ${Math.round((rssOf(each) ?? 0) / 1024 / 1024)}`)
    .join(', ')
}
