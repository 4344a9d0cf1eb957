// Keys (issue 11): a stream per subscriber without a topic per subscriber.
//
// - fan-out (keyedFanout): --key-subscribers sockets, each on its own key of one topic
//   (`<topic>#u<n>`), while --key-rate notifications a second go to random ones among them. Every
//   notification names its addressee, so what was lost, duplicated or delivered to another
//   subscriber is counted exactly. The contrast runs the same load with a topic per subscriber.
// - reconnect (keyedReconnect): a keyed subscriber away while 100 of its records are posted among
//   100,000 others on the same (only) partition, then re-subscribing with its positions: the
//   time until the ack, every missed record replayed before it.
//
// Subscribers connect to the consumers directly, as the fan-out scenario's largest runs do (this
// machine's one nginx does not hold 10,000 WebSockets); notifications are posted through nginx.

import { nowMs, sleep } from '../clock.js'
import { MinimalSocket } from '../eio/minimal-socket.js'
import { postNotification } from '../load/post-notification.js'
import { Histogram } from '../histogram.js'
import { accountDeliveries, keyedStampOf } from '../keys/keyed-stamp.js'
import type { KeyedConnected, KeyedReport, KeyedWorkerConfig } from '../keys/keyed-worker.js'
import { describeGroupMembers } from '../monitor/consumer-group.js'
import { startCpuSampler } from '../monitor/cpu-sampler.js'
import { forkBench, type BenchChild } from '../process/child.js'
import { shareOf, sumConnections } from '../process/worker-shares.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import { consumersHold, topUpTopics } from './bulk-topics.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF } from './http-load-run.js'
import { stackPercent } from './topics-plan.js'

const SOCKETS_PER_WORKER = 2500
/** Posts in flight at most: a stalled stack shows as a shortfall, not as a pile of requests. */
const MAX_IN_FLIGHT = 256
/** How long deliveries may trail the last post before what is missing counts as lost. */
const DRAIN_MS = 3000

/** Who the subscribers are: keys of one topic, or a topic each. */
export type KeyedLayout =
  { kind: 'keys'; topic: string } | { kind: 'topics'; prefix: string; count: number }

/** Whether a step delivered every notification once to its subscriber within the latency target. */
export function servedWell(result: ScenarioResult, p99TargetMs: number): boolean {
  const { lost, duplicated, foreign } = result.details as Record<string, number>
  return lost === 0 && duplicated === 0 && foreign === 0 && result.latency.p99 <= p99TargetMs
}

export async function keyedFanout(
  context: ScenarioContext,
  target: HeraldTarget,
  layout: KeyedLayout,
  subscribers: number,
): Promise<ScenarioResult> {
  const { options } = context
  const rate = options.keyRate
  const entryPrefix = layout.kind === 'keys' ? `${layout.topic}#u` : `${layout.prefix}-`
  const bodyOf = (to: number, seq: number): unknown =>
    layout.kind === 'keys'
      ? { topic: layout.topic, key: `u${to}`, message: { seq, sentAt: nowMs(), to } }
      : { topic: `${layout.prefix}-${to}`, message: { seq, sentAt: nowMs(), to } }
  if (layout.kind === 'keys') await postNotification(target.url, bodyOf(0, -1))

  const origins = target.consumerOrigins.length > 0 ? target.consumerOrigins : [target.url]
  const workerCount = Math.min(4, Math.max(1, Math.ceil(subscribers / SOCKETS_PER_WORKER)))
  const workers: BenchChild[] = []
  try {
    const connectStart = nowMs()
    let first = 0
    for (let i = 0; i < workerCount; i += 1) {
      const count = shareOf(subscribers, workerCount, i)
      const config: KeyedWorkerConfig = {
        origins,
        first,
        count,
        entryPrefix,
        connectConcurrency: 50,
        connectTimeoutMs: 20_000,
      }
      first += count
      workers.push(forkBench('keys/keyed-worker.js', `subscribers-${i + 1}`, config))
    }
    const connections = await Promise.all(
      workers.map((worker) => worker.receive<KeyedConnected>('connected', 600_000)),
    )
    const connectSeconds = (nowMs() - connectStart) / 1000
    const { connected, failed, firstError } = sumConnections(connections)
    context.progress(
      `    ${connected.toLocaleString('en-US')} subscribers (${entryPrefix}<n>) subscribed in ` +
        `${connectSeconds.toFixed(1)} s` +
        (failed > 0 ? `, ${failed} failed (${firstError})` : ''),
    )
    if (connected === 0) throw new Error(`no subscriber could subscribe: ${firstError}`)

    // The warm-up addresses every subscriber once, in turn, so that each topic of the contrast has
    // been posted to (a first POST to a topic costs the producers and Kafka more than the rest)
    // before anything is measured. Warm-up posts count for exactness, not for latency or CPU.
    const sentTo = new Map<number, number>()
    const warmupMs = Math.max(options.warmupMs, (subscribers / rate) * 1000 + 1000)
    const measureFrom = nowMs() + warmupMs
    const endAt = measureFrom + options.durationMs
    for (const worker of workers) worker.send({ type: 'measure', from: measureFrom })
    const publisher = pacedPublisher(target.url, rate, (seq) => {
      const to = seq < subscribers ? seq : Math.floor(Math.random() * subscribers)
      sentTo.set(seq, to)
      return bodyOf(to, seq)
    })
    await publisher.runUntil(measureFrom)
    const sample = startCpuSampler([
      ...target.watched(),
      ...workers.map((worker) => ({ name: worker.name, pid: worker.pid })),
      BENCH_ITSELF,
    ])
    await publisher.runUntil(endAt)
    const cpu = sample()
    await publisher.settled()
    await sleep(DRAIN_MS)

    const latency = new Histogram()
    const received: Record<number, number[]> = {}
    let disconnects = 0
    for (const worker of workers) {
      worker.send({ type: 'report' })
      const report = await worker.receive<KeyedReport>('report', 120_000)
      latency.merge(report.latency)
      Object.assign(received, report.received)
      disconnects += report.disconnects
    }
    // Sends that failed were never stored: they are nobody's loss.
    for (const seq of publisher.failedSeqs) sentTo.delete(seq)
    const account = accountDeliveries(sentTo, received)
    const seconds = options.durationMs / 1000
    const throughput = latency.summary().count / seconds
    const label = subscribers.toLocaleString('en-US')
    return {
      id: layout.kind === 'keys' ? `keys-fanout-${subscribers}` : `keys-topics-${subscribers}`,
      group: 'keys',
      label:
        layout.kind === 'keys'
          ? `keyed streams, ${label} subscribers on 1 topic`
          : `topic per subscriber, ${label} topics`,
      subject:
        layout.kind === 'keys'
          ? 'each subscriber on its own key of one topic: <topic>#u<n>'
          : 'each subscriber on a topic of its own (contrast)',
      load: `${rate.toLocaleString('en-US')} notifications/s to random subscribers`,
      unit: 'notifications/s',
      throughput,
      latencyOf: 'POST sent → received by its subscriber',
      latency: latency.summary(),
      cpu,
      details: {
        subscribers,
        connected,
        failedConnections: failed,
        firstConnectError: firstError,
        connectSeconds,
        sent: sentTo.size,
        failedSends: publisher.failedSeqs.length,
        firstSendError: publisher.firstError,
        ...account,
        disconnects,
        stackCpuPercent: stackPercent(cpu.processes),
        seconds,
      },
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
    // Let the consumers notice thousands of closed sockets before anything else is measured.
    await sleep(2000)
  }
}

/**
 * Tops the topics named `<prefix>-<n>` up from `made` to `count` (steps run in rising order on one
 * prefix) and waits until every consumer holds them.
 */
export async function topicPerSubscriber(
  context: ScenarioContext,
  target: HeraldTarget,
  { prefix, made, count }: { prefix: string; made: number; count: number },
): Promise<void> {
  const progress = (line: string): void => context.progress(line)
  const { existing } = await topUpTopics(target, { prefix, count: 0 }, progress)
  const topUp = await topUpTopics(target, { prefix, count: existing + count - made }, progress)
  const held = await consumersHold(target, topUp.benchTopics)
  const assigned = await groupAssigned(target, prefix, count)
  progress(
    `bench ▸   ${count.toLocaleString('en-US')} topics ${prefix}-<n>: made in ` +
      `${topUp.seconds.toFixed(1)} s, every consumer listed them ${held.toFixed(1)} s later, ` +
      `the group had them assigned ${assigned.toFixed(1)} s after that`,
  )
}

/** Longest wait for the group to assign the new topics' partitions. */
const ASSIGN_TIMEOUT_MS = 120_000

/**
 * Waits until Kafka reports every topic `<prefix>-<n>` (n < count) assigned to a group member: a
 * consumer lists a topic before the rebalance that gives it out ends, and a rebalance inside the
 * measured window stalls delivery. Answers the seconds it took; a running stack is not asked.
 */
async function groupAssigned(target: HeraldTarget, prefix: string, count: number): Promise<number> {
  const startedAt = nowMs()
  const control = target.consumers
  if (control === undefined) return 0
  const wanted = Array.from({ length: count }, (_, n) => `${target.topicPrefix}${prefix}-${n}`)
  for (;;) {
    const members = await describeGroupMembers(
      control.kafkaClasspath,
      target.kafkaBrokers,
      control.group,
    )
    const assigned = new Set(members.flatMap((member) => [...member.assignment.keys()]))
    if (wanted.every((topic) => assigned.has(topic))) return (nowMs() - startedAt) / 1000
    if (nowMs() - startedAt > ASSIGN_TIMEOUT_MS) {
      const missing = wanted.filter((topic) => !assigned.has(topic)).length
      throw new Error(`${missing} of ${count} topics still unassigned after 120 s`)
    }
    await sleep(500)
  }
}

export interface ReconnectRun {
  ackMs: number
  replayed: number
  inOrder: boolean
  foreign: number
  verdict: unknown
}

/** --key-reconnects times: away while 100 of its records land among 100,000 others, then back. */
export async function keyedReconnect(
  context: ScenarioContext,
  target: HeraldTarget,
  topic: string,
): Promise<ScenarioResult> {
  const { options } = context
  const mine = 100
  const others = options.keyReconnectOthers
  const entry = `${topic}#me`
  await postNotification(target.url, { topic, key: 'me', message: 'created' })
  const origin = target.consumerOrigins[0] ?? target.url
  let positions = await subscribeOnce(origin, entry, undefined).then((run) => run.positions)
  const runs: ReconnectRun[] = []
  const ackTimes = new Histogram()
  for (let run = 0; run < options.keyReconnects; run += 1) {
    const posted = await postAmongOthers(target.url, topic, mine, others, run)
    const back = await subscribeOnce(origin, entry, positions)
    positions = back.positions
    const expected = posted.join(',')
    runs.push({
      ackMs: back.ackMs,
      replayed: back.seqs.length,
      inOrder: back.seqs.join(',') === expected,
      foreign: back.foreign,
      verdict: back.verdict,
    })
    ackTimes.record(back.ackMs)
    context.progress(
      `    reconnect ${run + 1}: ${back.seqs.length} of ${mine} replayed in ${back.ackMs.toFixed(0)} ms`,
    )
  }
  const median = ackTimes.summary().p50
  return {
    id: 'keys-reconnect',
    group: 'keys',
    label: `keyed reconnect: ${mine} missed among ${others.toLocaleString('en-US')} others`,
    subject: 'a keyed subscriber re-subscribes with its positions; replay scans its partition',
    load: `${options.keyReconnects} reconnects, 1 partition`,
    unit: 'notifications/s',
    throughput: median > 0 ? (mine / median) * 1000 : 0,
    latencyOf: 'subscribe sent → ack, every missed record replayed before it',
    latency: ackTimes.summary(),
    details: { mine, others, runs },
  }
}

/** Posts `mine` records for key `me` spread evenly among `others`; answers their seqs in order. */
async function postAmongOthers(
  url: string,
  topic: string,
  mine: number,
  others: number,
  run: number,
): Promise<number[]> {
  const total = mine + others
  const every = Math.floor(total / mine)
  const posted: number[] = []
  const items = Array.from({ length: total }, (_, i) => {
    const seq = run * total + i
    const isMine = i % every === every - 1 && posted.length < mine
    if (isMine) posted.push(seq)
    return { topic, key: isMine ? 'me' : `other-${i % 997}`, message: { seq, sentAt: 0, to: 0 } }
  })
  for (let at = 0; at < items.length; at += 1000) {
    const response = await fetch(`${url}/notify/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items.slice(at, at + 1000)),
    })
    const answer = (await response.json()) as { failed?: number }
    if (!response.ok || answer.failed !== 0) {
      throw new Error(`batch answered ${response.status}: ${JSON.stringify(answer).slice(0, 200)}`)
    }
  }
  return posted
}

interface Subscribed {
  ackMs: number
  seqs: number[]
  foreign: number
  verdict: unknown
  positions: Record<string, Record<string, string>>
}

/** One socket: subscribe (with positions to recover), collect what comes before the ack, close. */
async function subscribeOnce(
  origin: string,
  entry: string,
  positions: Record<string, Record<string, string>> | undefined,
): Promise<Subscribed> {
  const seqs: number[] = []
  let foreign = 0
  const socket = await MinimalSocket.connect(origin, {
    onEvent: (name, args) => {
      if (name !== 'notification') return
      const notification = args[0] as { key?: unknown; message?: unknown } | undefined
      const stamp = keyedStampOf(notification?.message)
      if (notification?.key !== 'me') foreign += 1
      else if (stamp !== undefined) seqs.push(stamp.seq)
    },
    connectTimeoutMs: 20_000,
  })
  try {
    const startedAt = nowMs()
    const request = positions === undefined ? { topics: [entry] } : { topics: [entry], positions }
    const [ack] = (await socket.emitWithAck('subscribe', [request], 30_000)) as [
      { ok?: boolean; recovery?: Record<string, unknown>; positions?: Subscribed['positions'] },
    ]
    const ackMs = nowMs() - startedAt
    if (ack?.ok !== true) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
    const topic = entry.slice(0, entry.indexOf('#'))
    return {
      ackMs,
      seqs,
      foreign,
      verdict: ack.recovery?.[entry],
      positions: { [topic]: ack.positions?.[topic] ?? {} },
    }
  } finally {
    socket.close()
  }
}

/** Posts `rate` notifications a second, on schedule, with at most MAX_IN_FLIGHT unanswered. */
function pacedPublisher(url: string, rate: number, bodyOf: (seq: number) => unknown) {
  let seq = 0
  let inFlight = 0
  const pending = new Set<Promise<void>>()
  const failedSeqs: number[] = []
  let firstError: string | undefined
  let startedAt: number | undefined
  const send = (current: number): void => {
    inFlight += 1
    const done = postNotification(url, bodyOf(current))
      .catch((error: unknown) => {
        failedSeqs.push(current)
        firstError ??= (error as Error).message
      })
      .finally(() => {
        inFlight -= 1
        pending.delete(done)
      })
    pending.add(done)
  }
  return {
    failedSeqs,
    get firstError() {
      return firstError
    },
    async runUntil(deadline: number): Promise<void> {
      startedAt ??= nowMs()
      while (nowMs() < deadline) {
        const due = Math.floor(((nowMs() - startedAt) * rate) / 1000)
        while (seq < due && inFlight < MAX_IN_FLIGHT) send(seq++)
        await sleep(5)
      }
    },
    async settled(): Promise<void> {
      await Promise.all(pending)
    },
  }
}
