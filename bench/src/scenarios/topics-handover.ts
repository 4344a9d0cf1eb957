// A consumer's SIGTERM among many topics: the consumer holding a streaming topic (asked of Kafka's
// own group tool) gets SIGTERM while a subscriber on the other consumer watches the stream; the
// supervisor restarts it and it joins the group again. The rows give how long the stream paused
// when its partition moved away and when it moved back, and how long the fresh process took to join.

import { closeSync, openSync, readSync, statSync } from 'node:fs'

import { nowMs, sleep } from '../clock.js'
import { describeGroupMembers, holdersOf } from '../monitor/consumer-group.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import type { ScenarioContext } from './context.js'
import { handoverTimings, lastGroupJoin } from './handover-timings.js'
import { TopicWatcher } from './topic-watcher.js'
import { scaleStreamTopic } from './topics-scale.js'

/** Streaming before the SIGTERM, and after the restarted consumer is ready (its partitions return). */
const STEADY_BEFORE_MS = 1500
const AFTER_READY_MS = 4000

export async function consumerHandover(
  context: ScenarioContext,
  target: HeraldTarget,
  prefix: string,
  count: number,
): Promise<ScenarioResult[]> {
  const control = target.consumers
  if (control === undefined || control.names.length < 2) {
    context.progress('bench ▸   no second consumer to hand over to (or a running stack): skipped')
    return []
  }
  const stream = scaleStreamTopic(prefix, count)
  let holders: string[] = []
  try {
    const members = await describeGroupMembers(
      control.kafkaClasspath,
      target.kafkaBrokers,
      control.group,
    )
    holders = holdersOf(members, target.topicPrefix + stream)
  } catch (error) {
    context.progress(`bench ▸   kafka-consumer-groups failed (${String(error)}); guessing`)
  }
  const [firstConsumer] = control.names as [string, string]
  const leaving = holders.find((name) => control.names.includes(name)) ?? firstConsumer
  const survivor = control.names.find((name) => name !== leaving) as string
  context.progress(
    `bench ▸   ${stream} is held by ${holders.join(', ') || 'an unknown consumer'}: SIGTERM to ` +
      `${leaving}, watching from ${survivor}`,
  )
  const logFile = control.logFile(leaving)
  const logOffset = fileSize(logFile)
  const watcher = new TopicWatcher(target.url, stream, {
    socketOrigin: control.origin(survivor),
    keepArrivals: true,
  })
  try {
    await watcher.start([])
    const startedAt = nowMs()
    const stopStream = watcher.startStream()
    let times
    try {
      await sleep(STEADY_BEFORE_MS)
      times = await control.restart(leaving)
      await sleep(AFTER_READY_MS)
    } finally {
      await stopStream()
    }
    const seconds = (nowMs() - startedAt) / 1000
    await watcher.drain()
    const timings = handoverTimings(watcher.arrivals, times)
    const join = lastGroupJoin(readFrom(logFile, logOffset))
    const label = count.toLocaleString('en-US')
    return [
      {
        id: `topics-handover-${count}`,
        group: 'topics',
        label: `SIGTERM to its consumer, ${label} topics`,
        subject:
          'the streamed topic while the consumer holding it gets SIGTERM, exits, is restarted ' +
          'and joins again (subscriber on the other consumer)',
        load: `${label} topics existing, one at 50/s`,
        unit: 'notifications/s',
        throughput: watcher.streamLatency.count / seconds,
        latencyOf: 'POST sent → notification received, over the whole restart',
        latency: watcher.streamLatency.summary(),
        details: {
          ...timings,
          leaving,
          survivor,
          holderKnown: holders.length > 0,
          joinedPartitions: join?.partitions,
          joinDurationMs: join?.durationMs,
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

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** The file from byte `offset` on (what the restarted process logged). */
function readFrom(path: string, offset: number): string {
  try {
    const length = Math.max(0, fileSize(path) - offset)
    const buffer = Buffer.alloc(length)
    const fd = openSync(path, 'r')
    try {
      readSync(fd, buffer, 0, length, offset)
    } finally {
      closeSync(fd)
    }
    return buffer.toString('utf8')
  } catch {
    return ''
  }
}
