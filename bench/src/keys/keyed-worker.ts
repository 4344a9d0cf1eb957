// Child-process entry holding a share of the keys scenario's subscribers: minimal Socket.IO
// clients, each subscribed to an entry of its own (a keyed stream, or a topic of its own). It
// records which notifications each socket received, so the orchestrator can tell exactly what was
// lost, duplicated or delivered to the wrong subscriber, and the latency of the measured ones.

import { nowMs } from '../clock.js'
import { MinimalSocket } from '../eio/minimal-socket.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, onParentMessage, runChild, tellParent } from '../process/parent-link.js'
import { keyedStampOf } from './keyed-stamp.js'

export interface KeyedWorkerConfig {
  /** Socket.IO origins; sockets are spread over them in turn. */
  origins: string[]
  /** The subscribers' numbers: subscriber n subscribes to `entryPrefix + n`. */
  first: number
  count: number
  entryPrefix: string
  connectConcurrency: number
  connectTimeoutMs: number
}

export interface KeyedConnected {
  type: 'connected'
  connected: number
  failed: number
  firstError?: string
}

/** From the orchestrator: notifications sent from `from` (shared clock) on are measured. */
export interface KeyedMeasure {
  type: 'measure'
  from: number
}

export interface KeyedReport {
  type: 'report'
  /** Per subscriber number, the seqs it received, in arrival order. */
  received: Record<number, number[]>
  latency: HistogramData
  disconnects: number
}

const config = childConfig<KeyedWorkerConfig>()

runChild(async () => {
  const received: Record<number, number[]> = {}
  const latency = new Histogram()
  let measureFrom = Number.POSITIVE_INFINITY
  let disconnects = 0

  const sockets: MinimalSocket[] = []
  let failed = 0
  let firstError: string | undefined
  let next = 0
  const connectOne = async (subscriber: number): Promise<void> => {
    const origin = config.origins[subscriber % config.origins.length] as string
    const seqs: number[] = []
    try {
      const socket = await MinimalSocket.connect(origin, {
        onEvent: (name, args) => {
          if (name !== 'notification') return
          const stamp = keyedStampOf((args[0] as { message?: unknown } | undefined)?.message)
          if (stamp === undefined) return
          seqs.push(stamp.seq)
          if (stamp.sentAt >= measureFrom) latency.record(nowMs() - stamp.sentAt)
        },
        onClose: () => (disconnects += 1),
        connectTimeoutMs: config.connectTimeoutMs,
      })
      const entry = `${config.entryPrefix}${subscriber}`
      const [ack] = await socket.emitWithAck('subscribe', [{ topics: [entry] }], 60_000)
      if ((ack as { ok?: boolean } | undefined)?.ok !== true) {
        socket.close()
        throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
      }
      sockets.push(socket)
      received[subscriber] = seqs
    } catch (error) {
      failed += 1
      firstError ??= (error as Error).message
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(config.connectConcurrency, config.count) }, async () => {
      while (next < config.count) await connectOne(config.first + next++)
    }),
  )
  const connected: KeyedConnected = { type: 'connected', connected: sockets.length, failed }
  if (firstError !== undefined) connected.firstError = firstError
  tellParent(connected)

  onParentMessage<KeyedMeasure>('measure', ({ from }) => (measureFrom = from))
  await new Promise<void>((resolve) => onParentMessage('report', () => resolve()))
  const report: KeyedReport = {
    type: 'report',
    received,
    latency: latency.toData(),
    disconnects,
  }
  tellParent(report)
  for (const socket of sockets) socket.close()
})
