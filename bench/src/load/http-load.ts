// The HTTP load generator, run as a child process: keep-alive POSTs of stamped notifications,
// either at a fixed concurrency (closed loop: as fast as answers come back) or paced at a fixed
// rate (open loop, for end-to-end latency). Only 202s count as done; every loop stops at its
// deadline and at a hard request cap.

import { Pool } from 'undici'

import { nowMs, sleep } from '../clock.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, runChild, tellParent } from '../process/parent-link.js'

export interface HttpLoadConfig {
  /** Origin only, e.g. http://127.0.0.1:9000; loopback by construction of the orchestrator. */
  origin: string
  path: string
  topic: string
  mode: { kind: 'closed'; concurrency: number } | { kind: 'paced'; ratePerSecond: number }
  /** Requests before the measured window (not recorded): topic creation, JIT, connection set-up. */
  warmupMs: number
  durationMs: number
  /** Open loop only: requests in flight beyond this are skipped and counted, not queued. */
  maxInFlight: number
  /** Absolute safety cap on requests sent, whatever the timing. */
  maxRequests: number
  /**
   * Notifications per request: above 1 the body is a JSON array for POST /notify/batch, and a
   * request counts the items its 200 answer accepted.
   */
  batchSize?: number
  /** `Bearer <publisher key>`, when the stack checks keys. */
  authorization?: string
}

/** Sent when the warm-up ends: requests sent from `from` on are the measured ones. */
export interface HttpLoadMeasuring {
  type: 'measuring'
  from: number
}

export interface HttpLoadResult {
  type: 'result'
  /** Measured window, on the shared clock. */
  startedAt: number
  endedAt: number
  accepted: number
  /** Answers other than 202, by status. */
  statuses: Record<string, number>
  networkErrors: number
  /** Paced mode: sends due while maxInFlight was reached. */
  skipped: number
  /** Latency of the 202s only. */
  latency: HistogramData
}

/** What POST /notify/batch answers (only the count matters here). */
interface BatchAnswer {
  accepted: number
}

const config = childConfig<HttpLoadConfig>()

runChild(async () => {
  const connections = config.mode.kind === 'closed' ? config.mode.concurrency : config.maxInFlight
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (config.authorization !== undefined) headers.authorization = config.authorization
  const pool = new Pool(config.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 })
  const latency = new Histogram()
  const statuses: Record<string, number> = {}
  let accepted = 0
  let networkErrors = 0
  let sent = 0
  // Only requests sent from here on count; the measured window opens after the warm-up.
  let measureFrom = Number.POSITIVE_INFINITY

  const topic = JSON.stringify(config.topic)
  const batchSize = config.batchSize ?? 1
  const post = async (): Promise<void> => {
    sent += 1
    const startedAt = nowMs()
    const item = (seq: number): string =>
      `{"topic":${topic},"message":{"seq":${seq},"sentAt":${startedAt}}}`
    const body =
      batchSize === 1
        ? item(sent)
        : `[${Array.from({ length: batchSize }, (_, i) => item(sent * batchSize + i)).join(',')}]`
    try {
      const response = await pool.request({
        path: config.path,
        method: 'POST',
        headers,
        body,
      })
      const answer = batchSize === 1 ? undefined : ((await response.body.json()) as BatchAnswer)
      if (answer === undefined) await response.body.dump()
      if (startedAt < measureFrom) return
      if (response.statusCode === 202 || (response.statusCode === 200 && answer !== undefined)) {
        accepted += answer?.accepted ?? 1
        latency.record(nowMs() - startedAt)
      } else {
        const status = String(response.statusCode)
        statuses[status] = (statuses[status] ?? 0) + 1
      }
    } catch {
      if (startedAt >= measureFrom) networkErrors += 1
    }
  }

  const end = nowMs() + config.warmupMs + config.durationMs
  const run = config.mode.kind === 'closed' ? closedLoop(config.mode.concurrency) : pacedLoop()

  async function closedLoop(concurrency: number): Promise<number> {
    const worker = async (): Promise<void> => {
      while (nowMs() < end && sent < config.maxRequests) await post()
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return 0
  }

  async function pacedLoop(): Promise<number> {
    const { ratePerSecond } = config.mode as { ratePerSecond: number }
    const inFlight = new Set<Promise<void>>()
    const pacingStart = nowMs()
    let due = 0
    let skipped = 0
    while (nowMs() < end && sent < config.maxRequests) {
      const shouldHaveSent = Math.floor(((nowMs() - pacingStart) * ratePerSecond) / 1000)
      for (; due < shouldHaveSent; due += 1) {
        if (inFlight.size >= config.maxInFlight) {
          if (nowMs() >= measureFrom) skipped += 1
          continue
        }
        const request = post().finally(() => inFlight.delete(request))
        inFlight.add(request)
      }
      await sleep(1)
    }
    await Promise.all(inFlight)
    return skipped
  }

  await sleep(config.warmupMs)
  const startedAt = nowMs()
  measureFrom = startedAt
  const measuring: HttpLoadMeasuring = { type: 'measuring', from: startedAt }
  tellParent(measuring)
  const skipped = await run
  // Answers still in flight at the deadline count, so the window ends when the last one came.
  const endedAt = nowMs()
  await pool.close()
  const result: HttpLoadResult = {
    type: 'result',
    startedAt,
    endedAt,
    accepted,
    statuses,
    networkErrors,
    skipped,
    latency: latency.toData(),
  }
  tellParent(result)
})
