// Paced fan-out: N subscribers on one topic, notifications published on a schedule at offered
// delivery rates stepping up (rate / N notifications a second), latency from each POST to each
// receipt. Unlike the windowed fan-out, the publisher never waits for the subscribers: a stack
// that cannot keep up falls behind, and the step shows it. The steps stop at the first one that
// is hopeless; the highest sustained rate is the table's headline (see paced/sustained.ts).

import { nowMs, sleep } from '../clock.js'
import { Histogram } from '../histogram.js'
import { forkSubscriberWorkers } from '../fanout/subscriber-workers.js'
import type { PacedStepCount, PacedStepReport } from '../paced/paced-worker.js'
import { isHopeless, isSustained } from '../paced/sustained.js'
import { postNotification } from '../load/post-notification.js'
import type { BenchChild } from '../process/child.js'
import { PACED_GROUP } from '../report/paced-table.js'
import type { ScenarioResult } from '../result.js'
import type { ScenarioContext } from './context.js'
import type { FanoutTarget } from './fanout.js'
import { runHttpLoad } from './http-load-run.js'

/** Subscribers per worker process: few enough that at 200,000 deliveries/s none is the limit. */
const SOCKETS_PER_WORKER = 500
const MAX_WORKERS = 4
/** How long a step's late deliveries may take to arrive once its publisher stopped. */
const DRAIN_MS = 15_000
/** Between steps: the previous step's backlog and garbage out of the way. */
const SETTLE_MS = 2000

export async function pacedFanout(
  context: ScenarioContext,
  target: FanoutTarget,
  subscribers: number,
): Promise<ScenarioResult[]> {
  const { options } = context
  const topic = `bench-paced-${target.id}-${subscribers}-${Date.now().toString(36)}`
  await postNotification(target.publishOrigin, { topic, message: 'created' }, target.authorization)
  const workerCount = Math.min(MAX_WORKERS, Math.ceil(subscribers / SOCKETS_PER_WORKER))
  const { workers, connected, failed } = await forkSubscriberWorkers(
    'paced/paced-worker.js',
    target,
    { subscribers, topic, workerCount },
    (line) => context.progress(line),
  )
  try {
    const steps = new StepDriver(workers)
    await prime(steps, target, topic, connected)
    const results: ScenarioResult[] = []
    for (const [index, offered] of options.pacedRates.entries()) {
      const perSecond = offered / connected
      const from = await steps.open(index)
      const load = await runHttpLoad(
        {
          origin: target.publishOrigin,
          topic,
          mode: { kind: 'paced', ratePerSecond: perSecond },
          warmupMs: 0,
          durationMs: options.pacedStepMs,
          ...(target.authorization === undefined ? {} : { authorization: target.authorization }),
        },
        options,
        [...target.watched, ...workers.map((worker) => ({ name: worker.name, pid: worker.pid }))],
      )
      const expected = load.result.accepted * connected
      await steps.drain(index, expected, DRAIN_MS)
      const report = await steps.report(index)
      const latency = report.latency.summary()
      const deliveredShare = expected === 0 ? 0 : report.deliveries / expected
      const seconds = (Math.max(report.lastAt, load.result.endedAt) - from) / 1000
      const outcome = { offered, deliveredShare, p99: latency.p99 }
      results.push({
        id: `paced-${target.id.replace(/^fanout-/, '')}-${subscribers}-${offered}`,
        group: PACED_GROUP,
        label: `${target.label} ×${subscribers.toLocaleString('en-US')} @ ${offered.toLocaleString('en-US')}/s`,
        subject: target.subject,
        load: `${subscribers.toLocaleString('en-US')} subscribers, ${perSecond.toFixed(1)} notifications/s`,
        unit: 'deliveries/s',
        throughput: report.deliveries / seconds,
        latencyOf: 'POST sent → delivered to a subscriber',
        latency,
        cpu: load.cpu,
        details: {
          path: target.label,
          subscribers,
          connected,
          failedConnections: failed,
          offered,
          notificationsPerSecond: perSecond,
          accepted: load.result.accepted,
          otherStatuses: load.result.statuses,
          networkErrors: load.result.networkErrors,
          skippedSends: load.result.skipped,
          deliveries: report.deliveries,
          // Behind, not lost: what had not arrived 15 s after the step's publisher stopped.
          notArrivedAfterDrain: expected - report.deliveries,
          deliveredShare,
          disconnects: report.disconnects,
          sustained: isSustained(outcome),
          seconds,
        },
      })
      context.progress(
        `    ${offered.toLocaleString('en-US')}/s offered: ${(deliveredShare * 100).toFixed(2)} % ` +
          `delivered, p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms`,
      )
      if (isHopeless(outcome)) break
      await sleep(SETTLE_MS)
    }
    return results
  } finally {
    for (const worker of workers) worker.send({ type: 'done' })
    await Promise.all(workers.map((worker) => worker.stop()))
    // Let the servers notice thousands of closed sockets before anything else is measured.
    await sleep(2000)
  }
}

/** Unmeasured notifications (step -1) until one has reached every subscriber. */
async function prime(
  steps: StepDriver,
  target: FanoutTarget,
  topic: string,
  connected: number,
): Promise<void> {
  await steps.open(-1)
  const deadline = Date.now() + 60_000
  for (let posted = 1; Date.now() < deadline; posted += 1) {
    const message = { seq: -posted, sentAt: nowMs() }
    await postNotification(target.publishOrigin, { topic, message }, target.authorization)
    if (await steps.drain(-1, posted * connected, 2000)) return
  }
  throw new Error(`no notification of ${topic} reached every subscriber within 60 s`)
}

interface StepTotals {
  deliveries: number
  latency: Histogram
  lastAt: number
  disconnects: number
}

/** The orchestrator's side of the workers' step protocol (paced/paced-worker.ts). */
class StepDriver {
  readonly #workers: readonly BenchChild[]

  constructor(workers: readonly BenchChild[]) {
    this.#workers = workers
  }

  /** Opens `step` at every worker; resolves with its start, before which nothing of it was sent. */
  async open(step: number): Promise<number> {
    const from = nowMs()
    for (const worker of this.#workers) worker.send({ type: 'step-open', step, from })
    await Promise.all(this.#workers.map((worker) => worker.receive('step-open', 10_000)))
    return from
  }

  /** Waits until `expected` deliveries of `step` arrived, or `timeoutMs`; true if they did. */
  async drain(step: number, expected: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if ((await this.#count(step)) >= expected) return true
      if (Date.now() >= deadline) return false
      await sleep(100)
    }
  }

  /** Every worker's tally of `step`, added up. */
  async report(step: number): Promise<StepTotals> {
    const latency = new Histogram()
    const total = { deliveries: 0, lastAt: 0, disconnects: 0 }
    for (const worker of this.#workers) {
      worker.send({ type: 'step-report', step })
      const report = await worker.receive<PacedStepReport>('step-report', 30_000)
      latency.merge(report.latency)
      total.deliveries += report.deliveries
      total.lastAt = Math.max(total.lastAt, report.lastAt)
      total.disconnects += report.disconnects
    }
    return { ...total, latency }
  }

  async #count(step: number): Promise<number> {
    let total = 0
    for (const worker of this.#workers) {
      worker.send({ type: 'step-count', step })
      total += (await worker.receive<PacedStepCount>('step-count', 10_000)).deliveries
    }
    return total
  }
}
