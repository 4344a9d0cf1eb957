// Fan-out: N subscribers on one topic, minimal Socket.IO clients spread over worker processes. The
// orchestrator keeps `window` notifications outstanding and publishes the next one as soon as
// every subscriber has one: deliveries per second at saturation, with each delivery's latency.
// The same clients and publisher run against herald and against bare Socket.IO.

import { nowMs, sleep } from '../clock.js'
import type { FanoutComplete, FanoutReport, FanoutSubscribed } from '../fanout/fanout-worker.js'
import { Histogram } from '../histogram.js'
import { startCpuSampler, type Watched } from '../monitor/cpu-sampler.js'
import { rssBytes } from '../monitor/proc.js'
import { forkSubscriberWorkers } from '../fanout/subscriber-workers.js'
import type { BenchChild } from '../process/child.js'
import { sumConnections } from '../process/worker-shares.js'
import type { ScenarioResult } from '../result.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF } from './http-load-run.js'

export interface FanoutTarget {
  /** The row's id without N, e.g. `fanout-bare`. */
  id: string
  group: string
  label: string
  subject: string
  /** Where notifications are posted. */
  publishOrigin: string
  /** Where subscribers connect, in turn. */
  socketOrigins: string[]
  /** The server processes holding the connections: their RSS gives memory per connection. */
  serverPids: number[]
  watched: Watched[]
  /** The subscribers' token and the publisher's `Authorization`, when the stack checks them. */
  token?: string
  authorization?: string
}

const SOCKETS_PER_WORKER = 2500
const NOTIFICATION_TIMEOUT_MS = 10_000
const MAX_NOTIFICATIONS = 1_000_000

export async function fanout(
  context: ScenarioContext,
  target: FanoutTarget,
  subscribers: number,
): Promise<ScenarioResult> {
  const { options } = context
  const topic = `bench-fanout-${subscribers}`
  const rssBefore = totalRss(target.serverPids)
  const workerCount = Math.min(4, Math.max(1, Math.ceil(subscribers / SOCKETS_PER_WORKER)))
  const sockets = await forkSubscriberWorkers(
    'fanout/fanout-worker.js',
    target,
    { subscribers, topic, workerCount },
    (line) => context.progress(line),
  )
  const { workers, connectSeconds } = sockets
  try {
    await sleep(1000)
    const rssIdle = totalRss(target.serverPids)
    for (const worker of sockets.active) worker.send({ type: 'subscribe' })
    const subscribedBy = await Promise.all(
      sockets.active.map((worker) => worker.receive<FanoutSubscribed>('subscribed', 600_000)),
    )
    const { connected, failed, firstError } = sumConnections(subscribedBy)
    if (connected === 0) throw new Error(`no subscriber could subscribe: ${firstError}`)
    const active = sockets.active.filter((_, i) => (subscribedBy[i]?.connected ?? 0) > 0)
    await sleep(1000)
    const rssAfter = totalRss(target.serverPids)
    const publisher = new WindowedPublisher(
      target.publishOrigin,
      topic,
      active,
      target.authorization,
    )
    await publisher.prime()

    const measureFrom = nowMs()
    for (const worker of active) worker.send({ type: 'measure', from: measureFrom })
    const sample = startCpuSampler([
      ...target.watched,
      ...workers.map((worker) => ({ name: worker.name, pid: worker.pid })),
      BENCH_ITSELF,
    ])
    const published = await publisher.run(options.fanoutWindow, measureFrom + options.durationMs)
    const cpu = sample()
    const seconds = (publisher.lastCompleteAt - measureFrom) / 1000

    const latency = new Histogram()
    let deliveries = 0
    let disconnects = 0
    for (const worker of active) {
      worker.send({ type: 'report' })
      const report = await worker.receive<FanoutReport>('report', 60_000)
      latency.merge(report.latency)
      deliveries += report.deliveries
      disconnects += report.disconnects
    }
    const kibPer = (from: number | undefined, to: number | undefined, count: number) =>
      from === undefined || to === undefined ? undefined : (to - from) / count / 1024
    return {
      id: `${target.id}-${subscribers}`,
      group: target.group,
      label: `${target.label} ×${subscribers.toLocaleString('en-US')}`,
      subject: target.subject,
      load: `${subscribers.toLocaleString('en-US')} subscribers, window ${options.fanoutWindow}`,
      unit: 'deliveries/s',
      throughput: deliveries / seconds,
      latencyOf: 'POST sent → delivered to a subscriber',
      latency: latency.summary(),
      cpu,
      details: {
        subscribers,
        connected,
        failedConnections: failed,
        firstConnectError: firstError,
        connectSeconds,
        workers: workerCount,
        notifications: published,
        timedOutNotifications: publisher.timedOut,
        deliveries,
        lostDeliveries: published * connected - deliveries,
        disconnects,
        serverRssBeforeMiB: rssBefore === undefined ? undefined : rssBefore / 2 ** 20,
        serverRssAfterMiB: rssAfter === undefined ? undefined : rssAfter / 2 ** 20,
        serverRssIdleMiB: rssIdle === undefined ? undefined : rssIdle / 2 ** 20,
        serverKiBPerConnection: kibPer(rssBefore, rssAfter, connected),
        serverKiBPerIdleConnection: kibPer(rssBefore, rssIdle, sockets.connected),
        serverKiBPerSubscription: kibPer(rssIdle, rssAfter, connected),
        seconds,
      },
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
    // Let the servers notice thousands of closed sockets before anything else is measured.
    await sleep(2000)
  }
}

function totalRss(pids: readonly number[]): number | undefined {
  if (pids.length === 0) return undefined
  let total = 0
  for (const pid of pids) {
    const rss = rssBytes(pid)
    if (rss === undefined) return undefined
    total += rss
  }
  return total
}

/** Publishes stamped notifications, at most `window` of them not yet received by everyone. */
class WindowedPublisher {
  readonly #origin: string
  readonly #topic: string
  readonly #workers: readonly BenchChild[]
  /** seq → workers whose every socket has it. */
  readonly #completions = new Map<number, number>()
  readonly #waiters = new Map<number, () => void>()
  lastCompleteAt = 0
  timedOut = 0

  readonly #headers: Record<string, string>

  constructor(
    origin: string,
    topic: string,
    workers: readonly BenchChild[],
    authorization: string | undefined,
  ) {
    this.#headers = { 'content-type': 'application/json' }
    if (authorization !== undefined) this.#headers.authorization = authorization
    this.#origin = origin
    this.#topic = topic
    this.#workers = workers
    for (const worker of workers) {
      worker.listen<FanoutComplete>('complete', ({ seq }) => this.#complete(seq))
    }
  }

  /** Unmeasured notifications (negative seq) until one reaches every subscriber. */
  async prime(): Promise<void> {
    const deadline = Date.now() + 60_000
    for (let seq = -1; Date.now() < deadline; seq -= 1) {
      if (await this.#publishAndWait(seq, 500)) return
    }
    throw new Error(`no notification of ${this.#topic} reached every subscriber within 60 s`)
  }

  /** Publishes until `deadline` (shared clock); resolves with how many were published. */
  async run(window: number, deadline: number): Promise<number> {
    let seq = 0
    const lane = async (): Promise<void> => {
      while (nowMs() < deadline && seq < MAX_NOTIFICATIONS) {
        if (!(await this.#publishAndWait(seq++, NOTIFICATION_TIMEOUT_MS))) this.timedOut += 1
      }
    }
    await Promise.all(Array.from({ length: window }, lane))
    return seq
  }

  /** Resolves true once every worker reported `seq` complete, false after `timeoutMs`. */
  async #publishAndWait(seq: number, timeoutMs: number): Promise<boolean> {
    const done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(seq)
        resolve(false)
      }, timeoutMs)
      this.#waiters.set(seq, () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    const response = await fetch(`${this.#origin}/notify`, {
      method: 'POST',
      headers: this.#headers,
      body: JSON.stringify({ topic: this.#topic, message: { seq, sentAt: nowMs() } }),
    })
    await response.arrayBuffer()
    return done
  }

  #complete(seq: number): void {
    const count = (this.#completions.get(seq) ?? 0) + 1
    if (count < this.#workers.length) {
      this.#completions.set(seq, count)
      return
    }
    this.#completions.delete(seq)
    this.lastCompleteAt = nowMs()
    this.#waiters.get(seq)?.()
    this.#waiters.delete(seq)
  }
}
