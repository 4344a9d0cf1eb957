// Child-process entry holding a share of the fan-out subscribers: minimal Socket.IO clients, all
// on one topic. It reports when every one of its sockets got a notification (the orchestrator
// publishes the next one then), and at the end the delivery latencies of the measured ones.

import { nowMs, stampOf } from '../clock.js'
import { MinimalSocket } from '../eio/minimal-socket.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, onParentMessage, runChild, tellParent } from '../process/parent-link.js'

export interface FanoutWorkerConfig {
  /** Socket.IO origins; sockets are spread over them in turn. */
  origins: string[]
  sockets: number
  topic: string
  /** Handshakes in progress at once. */
  connectConcurrency: number
  connectTimeoutMs: number
  /** The subscriber token of every socket, when the stack checks them. */
  token?: string
}

export interface FanoutConnected {
  type: 'connected'
  connected: number
  failed: number
  firstError?: string
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

  const sockets: MinimalSocket[] = []
  let failed = 0
  let firstError: string | undefined
  let next = 0
  const connectOne = async (index: number): Promise<void> => {
    const origin = config.origins[index % config.origins.length] as string
    try {
      const socket = await MinimalSocket.connect(origin, {
        onEvent,
        onClose: () => {
          disconnects += 1
          live -= 1
        },
        connectTimeoutMs: config.connectTimeoutMs,
        ...(config.token === undefined ? {} : { auth: { token: config.token } }),
      })
      const [ack] = await socket.emitWithAck('subscribe', [{ topics: [config.topic] }], 30_000)
      if ((ack as { ok?: boolean } | undefined)?.ok !== true) {
        socket.close()
        throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
      }
      sockets.push(socket)
      live += 1
    } catch (error) {
      failed += 1
      firstError ??= (error as Error).message
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(config.connectConcurrency, config.sockets) }, async () => {
      while (next < config.sockets) await connectOne(next++)
    }),
  )
  const connected: FanoutConnected = { type: 'connected', connected: live, failed }
  if (firstError !== undefined) connected.firstError = firstError
  tellParent(connected)

  onParentMessage<FanoutMeasure>('measure', ({ from }) => (measureFrom = from))
  await new Promise<void>((resolve) => onParentMessage('report', () => resolve()))
  const report: FanoutReport = {
    type: 'report',
    deliveries,
    latency: latency.toData(),
    disconnects,
  }
  tellParent(report)
  for (const socket of sockets) socket.close()
})
