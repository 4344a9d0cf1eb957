// Topics at scale (issue 10). Churn: while one topic streams at 50 notifications/s, new topics
// appear at each of --topic-rates per second, each created by its first POST; rows give the
// streaming topic's latency, each new topic's first record at a pattern subscriber, and exactly
// what was lost or duplicated. Scale: with --topic-counts topics existing, each process's CPU and
// memory while nothing is sent, then a streaming topic's latency.

import { io, type Socket } from 'socket.io-client'
import type { Notification } from '@herald/shared'

import { nowMs, sleep } from '../clock.js'
import { Histogram } from '../histogram.js'
import { startCpuSampler } from '../monitor/cpu-sampler.js'
import { rssBytes } from '../monitor/proc.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import type { ScenarioContext } from './context.js'
import { primeTopic } from './prime.js'
import { SequenceTally } from './sequence-tally.js'

const STREAM_INTERVAL_MS = 20
/** Longest wait for stragglers after a window, and for consumers to take on created topics. */
const DRAIN_TIMEOUT_MS = 15_000
const SETTLE_TIMEOUT_MS = 300_000
const CREATE_CONCURRENCY = 16

interface Stamp {
  sentAt: number
  seq: number
}

/** One subscriber: a streaming topic and a pattern, their latencies and their tally. */
class Watcher {
  readonly tally = new SequenceTally()
  readonly streamLatency = new Histogram()
  readonly firstLatency = new Histogram()
  readonly #socket: Socket
  #primed = false

  constructor(
    readonly url: string,
    readonly stream: string,
  ) {
    this.#socket = io(url, { transports: ['websocket'] })
    this.#socket.on('notification', (notification: Notification) => {
      const stamp = notification.message as Partial<Stamp> | null
      if (stamp?.sentAt === undefined || stamp.seq === undefined) {
        if (notification.topic === stream) this.#primed = true
        return
      }
      if (!this.tally.received(notification.topic, stamp.seq)) return
      const latency = nowMs() - stamp.sentAt
      if (notification.topic === stream) this.streamLatency.record(latency)
      else if (stamp.seq === 0) this.firstLatency.record(latency)
    })
  }

  async start(patterns: readonly string[]): Promise<void> {
    await new Promise<void>((resolve) => this.#socket.once('connect', () => resolve()))
    await this.#socket.timeout(10_000).emitWithAck('subscribe', {
      topics: [this.stream, ...patterns],
    })
    await primeTopic(this.url, this.stream, async () => {
      await sleep(200)
      return this.#primed
    })
  }

  /** Posts `topic`'s next stamped notification; counts a refusal instead of a send. */
  async post(topic: string, errors: { count: number }): Promise<void> {
    const seq = this.tally.sent(topic)
    const response = await fetch(`${this.url}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic, message: { sentAt: nowMs(), seq } }),
    }).catch(() => undefined)
    await response?.arrayBuffer()
    if (response?.status !== 202) errors.count += 1
  }

  /** Streams to the watched topic every STREAM_INTERVAL_MS until `stop` is called. */
  streamUntilStopped(errors: { count: number }): () => Promise<void> {
    let streaming = true
    const loop = (async () => {
      while (streaming) {
        const next = nowMs() + STREAM_INTERVAL_MS
        await this.post(this.stream, errors)
        await sleep(Math.max(0, next - nowMs()))
      }
    })()
    return async () => {
      streaming = false
      await loop
    }
  }

  /** Waits, bounded, for everything sent to arrive. */
  async drain(): Promise<void> {
    const deadline = nowMs() + DRAIN_TIMEOUT_MS
    while (!this.tally.complete() && nowMs() < deadline) await sleep(100)
  }

  close(): void {
    this.#socket.close()
  }
}

export async function topicsScenario(
  context: ScenarioContext,
  target: HeraldTarget,
): Promise<ScenarioResult[]> {
  const run = Date.now().toString(36)
  const results: ScenarioResult[] = []
  for (const rate of context.options.topicRates) {
    context.progress(`bench ▸   ${rate} new topics/s while a topic streams at 50/s`)
    results.push(...(await churn(context, target, `bench-churn-${run}-${rate}`, rate)))
  }
  let existing = 0
  for (const count of [...context.options.topicCounts].sort((a, b) => a - b)) {
    context.progress(`bench ▸   creating topics up to ${count.toLocaleString('en-US')}`)
    await createTopics(target, `bench-scale-${run}`, existing, count, context)
    existing = count
    await consumersHold(target, count)
    results.push(...(await atScale(context, target, `bench-scale-${run}-stream-${count}`, count)))
  }
  return results
}

async function churn(
  context: ScenarioContext,
  target: HeraldTarget,
  name: string,
  rate: number,
): Promise<ScenarioResult[]> {
  const watcher = new Watcher(target.url, `${name}-stream`)
  try {
    await watcher.start([`${name}-new.*`])
    const errors = { count: 0 }
    const stopStream = watcher.streamUntilStopped(errors)
    const sample = startCpuSampler(target.watched())
    const startedAt = nowMs()
    const topics = Math.max(1, Math.round((rate * context.options.durationMs) / 1000))
    const creations: Promise<void>[] = []
    for (let i = 0; i < topics; i += 1) {
      await sleep(Math.max(0, startedAt + (i * 1000) / rate - nowMs()))
      creations.push(watcher.post(`${name}-new.t${i}`, errors))
    }
    await Promise.all(creations)
    await stopStream()
    const seconds = (nowMs() - startedAt) / 1000
    const cpu = sample()
    await watcher.drain()
    const counts = watcher.tally.counts()
    const common = {
      group: 'topics',
      load: `${rate} new topics/s, one topic at 50/s; ${counts.lost} lost, ${counts.duplicated} twice`,
    }
    const details = { ...counts, refused: errors.count, newTopics: topics, seconds }
    return [
      {
        ...common,
        id: `topics-churn-${rate}-stream`,
        label: `streaming topic, ${rate} new topics/s`,
        subject: 'a topic streamed at 50/s while new topics join the consumers',
        unit: 'notifications/s',
        throughput: watcher.streamLatency.count / seconds,
        latencyOf: 'POST sent → notification received',
        latency: watcher.streamLatency.summary(),
        cpu,
        details,
      },
      {
        ...common,
        id: `topics-churn-${rate}-first`,
        label: `new topic's first record, ${rate}/s`,
        subject: 'POST to a topic that did not exist → a pattern subscriber receives it',
        unit: 'notifications/s',
        throughput: watcher.firstLatency.count / seconds,
        latencyOf: 'POST sent → first record received',
        latency: watcher.firstLatency.summary(),
        details,
      },
    ]
  } finally {
    watcher.close()
  }
}

/** Creates topics `prefix-from` … `prefix-(to-1)` with POST /topics, a few at a time. */
async function createTopics(
  target: HeraldTarget,
  prefix: string,
  from: number,
  to: number,
  context: ScenarioContext,
): Promise<void> {
  let next = from
  const worker = async (): Promise<void> => {
    while (next < to) {
      const index = next++
      const response = await fetch(`${target.url}/topics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${prefix}-${index}`, partitions: 1 }),
      })
      await response.arrayBuffer()
      if (response.status !== 201 && response.status !== 409) {
        throw new Error(`POST /topics answered ${response.status} at topic ${index}`)
      }
      if (index % 500 === 499) context.progress(`bench ▸     ${index + 1} topics`)
    }
  }
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker))
}

/** Waits, bounded, until every consumer consumes at least `count` topics (from its /healthz). */
async function consumersHold(target: HeraldTarget, count: number): Promise<void> {
  const deadline = nowMs() + SETTLE_TIMEOUT_MS
  for (const origin of target.consumerOrigins) {
    for (;;) {
      const health = (await (await fetch(`${origin}/healthz`)).json()) as { topics?: number }
      if ((health.topics ?? 0) >= count) break
      if (nowMs() > deadline) throw new Error(`${origin} took on ${health.topics} of ${count}`)
      await sleep(500)
    }
  }
}

async function atScale(
  context: ScenarioContext,
  target: HeraldTarget,
  stream: string,
  count: number,
): Promise<ScenarioResult[]> {
  const load = `${count.toLocaleString('en-US')} topics existing`
  // Idle first: no subscriber, no traffic, only what the topics themselves cost.
  await sleep(2000)
  const sampleIdle = startCpuSampler(target.watched())
  await sleep(context.options.durationMs)
  const idle = sampleIdle()
  const rssMiB = Object.fromEntries(
    target.watched().map(({ name, pid }) => [name, Math.round((rssBytes(pid) ?? 0) / 2 ** 20)]),
  )
  const idlePercent = idle.processes.reduce((sum, { percent }) => sum + percent, 0)

  const watcher = new Watcher(target.url, stream)
  try {
    await watcher.start([])
    const errors = { count: 0 }
    const sample = startCpuSampler(target.watched())
    const startedAt = nowMs()
    const stopStream = watcher.streamUntilStopped(errors)
    await sleep(context.options.durationMs)
    await stopStream()
    const seconds = (nowMs() - startedAt) / 1000
    const cpu = sample()
    await watcher.drain()
    const counts = watcher.tally.counts()
    return [
      {
        group: 'topics',
        id: `topics-idle-${count}`,
        label: `idle, ${count.toLocaleString('en-US')} topics`,
        subject: 'nothing sent: what existing topics cost each process',
        load,
        unit: 'notifications/s',
        throughput: 0,
        latencyOf: 'none (idle)',
        latency: new Histogram().summary(),
        cpu: idle,
        details: { idleCpuPercentOfOneCore: idlePercent, rssMiB },
      },
      {
        group: 'topics',
        id: `topics-stream-${count}`,
        label: `streaming topic, ${count.toLocaleString('en-US')} topics`,
        subject: 'one topic streamed at 50/s among many idle ones',
        load: `${load}; ${counts.lost} lost, ${counts.duplicated} twice`,
        unit: 'notifications/s',
        throughput: watcher.streamLatency.count / seconds,
        latencyOf: 'POST sent → notification received',
        latency: watcher.streamLatency.summary(),
        cpu,
        details: { ...counts, refused: errors.count },
      },
    ]
  } finally {
    watcher.close()
  }
}
