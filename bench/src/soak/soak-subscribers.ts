// Child-process entry of the soak: steady subscribers of one stream that each reconnect in turn
// and subscribe again with their positions, as a page does after a blip, and churning sockets
// that come, subscribe to a topic of their own and the stream, and leave. Each steady socket
// tallies the stream by offset, so losses and repeats across every reconnect are exact.

import { nowMs, sleep, stampOf } from '../clock.js'
import { MinimalSocket } from '../eio/minimal-socket.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, onParentMessage, runChild, tellParent } from '../process/parent-link.js'
import { OffsetTally } from './offset-tally.js'

export interface SoakSubscribersConfig {
  origin: string
  streamTopic: string
  steadySockets: number
  /** One steady socket reconnects this often, each in turn. */
  reconnectEveryMs: number
  /** Churning sockets: how many arrive per second, how long each stays, the topics they pick. */
  churnPerSecond: number
  churnLifetimeMs: number
  churnTopics: string[]
}

/** From the orchestrator: churn and reconnects start (`run`) or stop (`settle`). */
export interface SoakControl {
  type: 'run' | 'settle'
}

export interface SoakSubscribersReport {
  type: 'report'
  steadySockets: number
  /** Stream records received by the steady sockets, first arrivals only. */
  received: number
  duplicates: number
  /** Records missing at the steady sockets, against the stream's end. */
  missing: number
  reconnects: number
  /** Reconnects whose subscribe did not answer `recovered` (or failed). */
  notRecovered: number
  firstProblem?: string
  /** Steady sockets closed by the server (a cut, a consumer's restart) and reconnected. */
  unexpectedCloses: number
  churnConnects: number
  churnFailures: number
  /** POST sent → a steady socket received it (live, or replayed after a reconnect). */
  latency: HistogramData
  /** Subscribe with positions sent → its ack. */
  resubscribeLatency: HistogramData
}

/** Asked for at the end with the stream's end position. */
export interface SoakReportRequest {
  type: 'report'
  end: Record<string, string>
}

interface Steady {
  socket: MinimalSocket | undefined
  tally: OffsetTally
  /** One reconnect at a time: a server's close during the turn's own reconnect starts none. */
  reconnecting: boolean
}

const config = childConfig<SoakSubscribersConfig>()

runChild(async () => {
  const latency = new Histogram()
  const resubscribeLatency = new Histogram()
  let reconnects = 0
  let notRecovered = 0
  let unexpectedCloses = 0
  let churnConnects = 0
  let churnFailures = 0
  let firstProblem: string | undefined
  const problem = (what: string): void => {
    firstProblem ??= what
  }

  const onStream = (steady: Steady, args: unknown[]): void => {
    const notification = args[0] as
      { topic?: string; partition?: number; offset?: string; message?: unknown } | undefined
    if (notification?.topic !== config.streamTopic) return
    steady.tally.received(notification.partition as number, Number(notification.offset))
    const stamp = stampOf(notification.message)
    if (stamp !== undefined) latency.record(nowMs() - stamp.sentAt)
  }

  /** Connects `steady` and subscribes, with its positions once it has any. */
  const connectSteady = async (steady: Steady, resume: boolean): Promise<void> => {
    const socket = await MinimalSocket.connect(config.origin, {
      onEvent: (name, args) => {
        if (name === 'notification') onStream(steady, args)
      },
      onClose: () => {
        // Closed by this side (a reconnect replaced it), or already being replaced.
        if (steady.socket !== socket) return
        unexpectedCloses += 1
        steady.socket = undefined
        void reconnect(steady)
      },
      connectTimeoutMs: 20_000,
    })
    steady.socket = socket
    const position = steady.tally.position()
    const request = resume
      ? { topics: [config.streamTopic], positions: { [config.streamTopic]: position } }
      : { topics: [config.streamTopic] }
    const sentAt = nowMs()
    const [ack] = (await socket.emitWithAck('subscribe', [request], 30_000)) as [
      {
        ok?: boolean
        recovery?: Record<string, { status?: string }>
        positions?: Record<string, Record<string, string>>
      },
    ]
    if (ack?.ok !== true) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
    if (resume) {
      resubscribeLatency.record(nowMs() - sentAt)
      const status = ack.recovery?.[config.streamTopic]?.status
      if (status !== 'recovered') {
        notRecovered += 1
        problem(`a re-subscribe answered ${JSON.stringify(ack.recovery)}`)
      }
    } else steady.tally.startAt(ack.positions?.[config.streamTopic] ?? {})
  }

  const reconnect = async (steady: Steady): Promise<void> => {
    if (steady.reconnecting) return
    steady.reconnecting = true
    reconnects += 1
    const old = steady.socket
    steady.socket = undefined
    old?.close()
    try {
      await connectSteady(steady, true)
    } catch (error) {
      notRecovered += 1
      problem(`a reconnect failed: ${(error as Error).message}`)
    } finally {
      steady.reconnecting = false
    }
  }

  const steadies: Steady[] = Array.from({ length: config.steadySockets }, () => ({
    socket: undefined,
    tally: new OffsetTally(),
    reconnecting: false,
  }))
  // A few handshakes at a time: the stack is what is measured, not a connection storm.
  let nextToConnect = 0
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (nextToConnect < steadies.length) {
        await connectSteady(steadies[nextToConnect++] as Steady, false)
      }
    }),
  )
  tellParent({ type: 'ready' })

  const churnOnce = async (): Promise<void> => {
    const topic = config.churnTopics[churnConnects % config.churnTopics.length] as string
    churnConnects += 1
    try {
      const socket = await MinimalSocket.connect(config.origin, { connectTimeoutMs: 20_000 })
      try {
        const [ack] = await socket.emitWithAck(
          'subscribe',
          [{ topics: [config.streamTopic, topic] }],
          30_000,
        )
        if ((ack as { ok?: boolean } | undefined)?.ok !== true) {
          throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
        }
        await sleep(config.churnLifetimeMs)
      } finally {
        socket.close()
      }
    } catch (error) {
      churnFailures += 1
      problem(`a churning socket failed: ${(error as Error).message}`)
    }
  }

  let running = false
  const churning = new Set<Promise<void>>()
  const loops: Promise<void>[] = []
  onParentMessage<SoakControl>('run', () => {
    running = true
    loops.push(
      (async () => {
        for (let turn = 0; running; turn += 1) {
          await reconnect(steadies[turn % steadies.length] as Steady)
          await sleep(config.reconnectEveryMs)
        }
      })(),
      (async () => {
        const startedAt = nowMs()
        let started = 0
        while (running) {
          const due = Math.floor(((nowMs() - startedAt) * config.churnPerSecond) / 1000)
          for (; started < due; started += 1) {
            const each = churnOnce().finally(() => churning.delete(each))
            churning.add(each)
          }
          await sleep(20)
        }
      })(),
    )
  })
  onParentMessage<SoakControl>('settle', () => {
    running = false
    void Promise.all([...loops, ...churning]).then(() => tellParent({ type: 'settled' }))
  })
  onParentMessage<SoakReportRequest>('report', ({ end }) => {
    const totals = steadies.map(({ tally }) => ({
      ...tally.counts(),
      missing: tally.missingAgainst(end),
    }))
    const sum = (key: 'received' | 'duplicates' | 'missing'): number =>
      totals.reduce((total, each) => total + each[key], 0)
    const report: SoakSubscribersReport = {
      type: 'report',
      steadySockets: steadies.length,
      received: sum('received'),
      duplicates: sum('duplicates'),
      missing: sum('missing'),
      reconnects,
      notRecovered,
      unexpectedCloses,
      churnConnects,
      churnFailures,
      latency: latency.toData(),
      resubscribeLatency: resubscribeLatency.toData(),
    }
    if (firstProblem !== undefined) report.firstProblem = firstProblem
    tellParent(report)
  })
  await new Promise(() => undefined)
})
