// Child-process entry holding a share of the fan-out subscribers: minimal Socket.IO clients, all
// on one topic. It reports when every one of its sockets got a notification (the orchestrator
// publishes the next one then), and at the end the delivery latencies of the measured ones.

import { nowMs, stampOf } from '../clock.js'
import { Histogram, type HistogramData } from '../histogram.js'
import {
  connectSockets,
  subscribeAll,
  poolCounts,
  type SubscriberPoolConfig,
  type SubscribersConnected,
} from './subscriber-pool.js'
import { childConfig, onParentMessage, runChild, tellParent } from '../process/parent-link.js'
import type { WorkerConnections } from '../process/worker-shares.js'

export type FanoutWorkerConfig = SubscriberPoolConfig

/** From the orchestrator: subscribe every socket; answered with FanoutSubscribed. */
export interface FanoutSubscribe {
  type: 'subscribe'
}

/** `connected` counts the subscribed sockets, `failed` those that could not connect or subscribe. */
export interface FanoutSubscribed extends WorkerConnections {
  type: 'subscribed'
}

/** Every connected socket of this worker received notification `seq`. */
export interface FanoutComplete {
  type: 'complete'
  seq: number
}

/** From the orchestrator: notifications sent from `from` (shared clock) on are measured. */
export interface FanoutMeasure {
  type: 'measure'
  from: number
}

export interface FanoutReport {
  type: 'report'
  deliveries: number
  latency: HistogramData
  disconnects: number
}

const config = childConfig<FanoutWorkerConfig>()

runChild(async () => {
  const received = new Map<number, number>()
  const latency = new Histogram()
  let measureFrom = Number.POSITIVE_INFINITY
  let deliveries = 0
  let disconnects = 0
  let live = 0

  const onEvent = (name: string, args: unknown[]): void => {
    if (name !== 'notification') return
    const stamp = stampOf((args[0] as { message?: unknown } | undefined)?.message)
    if (stamp === undefined) return
    const at = nowMs()
    if (stamp.sentAt >= measureFrom) {
      deliveries += 1
      latency.record(at - stamp.sentAt)
    }
    const count = (received.get(stamp.seq) ?? 0) + 1
    if (count < live) {
      received.set(stamp.seq, count)
      return
    }
    received.delete(stamp.seq)
    const complete: FanoutComplete = { type: 'complete', seq: stamp.seq }
    tellParent(complete)
    // A notification some socket never got would stay here forever: forget old ones.
    for (const seq of received.keys()) if (seq < stamp.seq - 1000) received.delete(seq)
  }

  const handlers = {
    onEvent,
    onClose: () => {
      disconnects += 1
      live -= 1
    },
  }
  // Two phases, so the orchestrator reads the servers' memory with the sockets idle, then subscribed.
  const sockets = await connectSockets(config, handlers)
  // None subscribed yet.
  const connected: SubscribersConnected = { type: 'connected', ...poolCounts(sockets) }
  tellParent(connected)
  await new Promise<void>((resolve) => onParentMessage('subscribe', () => resolve()))
  const pool = await subscribeAll(sockets, config.topic, config.connectConcurrency)
  live = pool.connected
  const subscribed: FanoutSubscribed = { type: 'subscribed', ...poolCounts(pool) }
  tellParent(subscribed)

  onParentMessage<FanoutMeasure>('measure', ({ from }) => (measureFrom = from))
  await new Promise<void>((resolve) => onParentMessage('report', () => resolve()))
  const report: FanoutReport = {
    type: 'report',
    deliveries,
    latency: latency.toData(),
    disconnects,
  }
  tellParent(report)
  for (const socket of pool.sockets) socket.close()
})
