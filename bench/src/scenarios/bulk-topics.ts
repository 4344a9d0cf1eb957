// Makes many topics quickly, before the scale figures are measured: straight through Kafka with
// herald's own TopicAdmin (CreateTopics of up to 100 at a time), as another Kafka client would, so
// the consumers find them by their slow listing and take them on together. Through POST /topics
// each one is announced and the consumers re-subscribe per announcement: a full run that way got a
// 503 after 2,572 topics (2026-12-02).

import { createKafkaClient, TopicAdmin } from '@herald/shared/kafka'
import { createLogger } from '@herald/shared/service'

import { nowMs, sleep } from '../clock.js'
import type { HeraldTarget } from '../targets/herald-stack.js'

/** Topics asked for at once; the admin sends them 100 per request. */
const CHUNK = 500
const ATTEMPTS = 5
/** Longest wait for the consumers to hold every topic. */
const HOLD_TIMEOUT_MS = 300_000

export interface TopUp {
  /** herald topics in Kafka afterwards, every one counted (churn's, the streams', …). */
  existing: number
  /** Of those, the bench's own (named `bench-…`): every consumer must consume these. */
  benchTopics: number
  created: number
  seconds: number
}

/**
 * Creates `first` (when missing), then topics named `prefix-<i>`, until `count` herald topics exist
 * in all. Steps run in rising order and share what the earlier ones made.
 */
export async function topUpTopics(
  target: HeraldTarget,
  { prefix, count, first = [] }: { prefix: string; count: number; first?: readonly string[] },
  progress: (line: string) => void,
): Promise<TopUp> {
  const logger = createLogger('bench-topics', 'warn')
  const { topicPrefix } = target
  const kafka = createKafkaClient(
    {
      brokers: target.kafkaBrokers,
      clientId: 'bench-topics',
      topicPrefix,
      requestTimeoutMs: 30_000,
    },
    logger,
  )
  const admin = new TopicAdmin(kafka, { topicPrefix, partitions: 1, replicationFactor: -1 }, logger)
  const startedAt = nowMs()
  try {
    const listed = await admin.listTopics()
    const taken = new Set(listed)
    const wanted = first.filter((topic) => !taken.has(topic))
    for (let i = 0; listed.length + wanted.length < count; i += 1) {
      if (!taken.has(`${prefix}-${i}`)) wanted.push(`${prefix}-${i}`)
    }
    for (let at = 0; at < wanted.length; at += CHUNK) {
      let chunk = wanted.slice(at, at + CHUNK)
      for (let attempt = 1; chunk.length > 0; attempt += 1) {
        const outcomes = await Promise.allSettled(chunk.map((topic) => admin.ensureTopic(topic)))
        const failed = chunk.filter((_, i) => outcomes[i]?.status === 'rejected')
        if (failed.length > 0 && attempt === ATTEMPTS) {
          const reason = outcomes.find((outcome) => outcome.status === 'rejected')
          throw new Error(`could not create ${failed.length} topics: ${String(reason?.reason)}`)
        }
        chunk = failed
        if (failed.length > 0) await sleep(1000)
      }
      progress(
        `bench ▸     ${(listed.length + Math.min(at + CHUNK, wanted.length)).toLocaleString('en-US')} topics`,
      )
    }
    const after = await admin.listTopics()
    return {
      existing: after.length,
      benchTopics: after.filter((topic) => topic.startsWith('bench-')).length,
      created: wanted.length,
      seconds: (nowMs() - startedAt) / 1000,
    }
  } finally {
    await admin.disconnect()
  }
}

/**
 * Waits until every consumer consumes at least `count` topics (its /healthz) and is ready (its
 * /readyz: in the group); resolves with the seconds that took. A running stack's consumers cannot
 * be asked: it returns at once.
 */
export async function consumersHold(target: HeraldTarget, count: number): Promise<number> {
  const startedAt = nowMs()
  const deadline = startedAt + HOLD_TIMEOUT_MS
  for (const origin of target.consumerOrigins) {
    for (;;) {
      const health = await fetch(`${origin}/healthz`)
        .then((response) => response.json() as Promise<{ topics?: number }>)
        .catch(() => ({ topics: undefined }))
      const ready = await fetch(`${origin}/readyz`)
        .then(async (response) => {
          await response.arrayBuffer()
          return response.ok
        })
        .catch(() => false)
      if ((health.topics ?? 0) >= count && ready) break
      if (nowMs() > deadline) {
        throw new Error(
          `${origin} holds ${health.topics ?? '?'} of ${count} topics (ready: ${ready})`,
        )
      }
      await sleep(250)
    }
  }
  return (nowMs() - startedAt) / 1000
}
