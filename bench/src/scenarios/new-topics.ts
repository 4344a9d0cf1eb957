// New topics at once: while one topic streams at a steady 100 notifications/s, brand-new topics
// are created one after the other by their first POST. Two rows: how long the first record of a
// new topic takes to reach a subscriber of a pattern it matches, and how the steady topic's
// latency fares while the consumers re-subscribe (each new topic is one rebalance).

import { io } from 'socket.io-client'
import type { Notification } from '@herald/shared'

import { nowMs, sleep } from '../clock.js'
import { Histogram } from '../histogram.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import type { ScenarioContext } from './context.js'
import { primeTopic } from './prime.js'

const STEADY_INTERVAL_MS = 10

export async function newTopics(
  context: ScenarioContext,
  target: HeraldTarget,
): Promise<ScenarioResult[]> {
  const run = Date.now().toString(36)
  const steady = `bench-steady-${run}`
  const prefix = `bench-new-${run}`
  const count = context.options.durationMs >= 10_000 ? 20 : 5
  const spacingMs = Math.max(300, Math.floor(context.options.durationMs / count))

  const socket = io(target.url, { transports: ['websocket'] })
  const steadyLatency = new Histogram()
  const firstLatency = new Histogram()
  const firstSeen = new Set<string>()
  let primed = false
  socket.on('notification', (notification: Notification) => {
    const sentAt = (notification.message as { sentAt?: number } | null)?.sentAt
    if (notification.topic === steady) {
      if (sentAt === undefined) primed = true
      else steadyLatency.record(nowMs() - sentAt)
    } else if (sentAt !== undefined && !firstSeen.has(notification.topic)) {
      firstSeen.add(notification.topic)
      firstLatency.record(nowMs() - sentAt)
    }
  })
  try {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    await socket.timeout(10_000).emitWithAck('subscribe', { topics: [steady, `${prefix}.*`] })
    await primeTopic(target.url, steady, async () => {
      await sleep(200)
      return primed
    })

    let streaming = true
    const stream = (async () => {
      while (streaming) {
        await post(target.url, steady, nowMs())
        await sleep(STEADY_INTERVAL_MS)
      }
    })()
    const startedAt = nowMs()
    await sleep(1000)
    for (let i = 0; i < count; i += 1) {
      await post(target.url, `${prefix}.t${i}`, nowMs())
      await sleep(spacingMs)
    }
    await sleep(1000)
    streaming = false
    await stream
    const seconds = (nowMs() - startedAt) / 1000
    const common = {
      group: 'new topics',
      cpu: undefined,
      load: `${count} new topics, ${spacingMs} ms apart`,
    }
    return [
      {
        ...common,
        id: 'new-topic-first-record',
        label: 'new topic, first record',
        subject: 'POST to a topic that did not exist → a pattern subscriber receives it',
        unit: 'notifications/s',
        throughput: firstSeen.size / seconds,
        latencyOf: 'POST sent → first record received',
        latency: firstLatency.summary(),
        details: { created: count, received: firstSeen.size, spacingMs },
      },
      {
        ...common,
        id: 'new-topic-steady',
        label: 'existing topic while they join',
        subject: 'a topic streamed at 100/s while the consumers re-subscribe for each new topic',
        unit: 'notifications/s',
        throughput: steadyLatency.count / seconds,
        latencyOf: 'POST sent → notification received',
        latency: steadyLatency.summary(),
        details: { streamedPerSecond: 1000 / STEADY_INTERVAL_MS },
      },
    ]
  } finally {
    socket.close()
  }
}

async function post(origin: string, topic: string, sentAt: number): Promise<void> {
  const response = await fetch(`${origin}/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, message: { sentAt } }),
  })
  await response.arrayBuffer()
}
