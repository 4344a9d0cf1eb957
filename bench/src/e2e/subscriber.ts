// Child-process entry of the end-to-end scenario: one real socket.io-client subscriber through
// nginx, as a browser would connect, timing each stamped notification on the shared clock.

import type {
  ClientToServerEvents,
  Notification,
  ServerToClientEvents,
  SubscriptionAck,
} from '@herald/shared'
import { io, type Socket } from 'socket.io-client'

import { nowMs, stampOf } from '../clock.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, onParentMessage, runChild, tellParent } from '../process/parent-link.js'

export interface SubscriberConfig {
  origin: string
  topic: string
}

export interface SubscriberReport {
  type: 'report'
  /** Distinct measured notifications received. */
  received: number
  duplicates: number
  latency: HistogramData
}

const { origin, topic } = childConfig<SubscriberConfig>()

runChild(async () => {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(origin, {
    transports: ['websocket'],
    reconnection: false,
    timeout: 10_000,
  })
  const seen = new Set<number>()
  const latency = new Histogram()
  let measureFrom: number | undefined
  let duplicates = 0
  let primed = false
  // The window's start reaches this process over IPC a little after the first measured sends:
  // what arrives before it waits here and is counted once the start is known.
  let early: { seq: number; sentAt: number; at: number }[] = []

  const count = (seq: number, sentAt: number, at: number): void => {
    if (measureFrom === undefined || sentAt < measureFrom) return
    if (seen.has(seq)) {
      duplicates += 1
      return
    }
    seen.add(seq)
    latency.record(at - sentAt)
  }

  socket.on('notification', (notification: Notification) => {
    const at = nowMs()
    const stamp = stampOf(notification.message)
    if (!primed) {
      primed = true
      tellParent({ type: 'primed' })
    }
    if (stamp === undefined) return
    if (measureFrom === undefined) early.push({ ...stamp, at })
    else count(stamp.seq, stamp.sentAt, at)
  })
  // A lost subscriber would make every later figure wrong: end the scenario instead.
  socket.on('disconnect', (reason) => {
    tellParent({ type: 'error', message: `subscriber disconnected: ${reason}` })
  })

  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  const ack = (await socket
    .timeout(30_000)
    .emitWithAck('subscribe', { topics: [topic] })) as SubscriptionAck
  if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
  tellParent({ type: 'subscribed' })

  onParentMessage<{ type: 'measure'; from: number }>('measure', ({ from }) => {
    measureFrom = from
    for (const { seq, sentAt, at } of early) count(seq, sentAt, at)
    early = []
  })
  onParentMessage('report', () => {
    const report: SubscriberReport = {
      type: 'report',
      received: seen.size,
      duplicates,
      latency: latency.toData(),
    }
    tellParent(report)
  })
  await new Promise(() => undefined)
})
