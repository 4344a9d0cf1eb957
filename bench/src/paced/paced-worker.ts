// Child-process entry holding a share of the paced fan-out's subscribers. The orchestrator opens a
// step before its publisher sends anything; a delivery belongs to the step whose window its send
// time falls in, so late deliveries of one step never count towards the next.

import { nowMs, stampOf } from '../clock.js'
import {
  connectSubscribers,
  poolCounts,
  type SubscriberPoolConfig,
  type SubscribersConnected,
} from '../fanout/subscriber-pool.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, onParentMessage, runChild, tellParent } from '../process/parent-link.js'

export type PacedWorkerConfig = SubscriberPoolConfig

/** From the orchestrator: notifications sent from `from` (shared clock) on belong to `step`. */
export interface PacedStepOpen {
  type: 'step-open'
  step: number
  from: number
}

/** Asks how many deliveries of `step` arrived so far; answered with a PacedStepCount. */
export interface PacedStepQuery {
  type: 'step-count'
  step: number
}

export interface PacedStepCount {
  type: 'step-count'
  deliveries: number
}

/** Asks for everything about `step`; answered with a PacedStepReport. */
export interface PacedStepClose {
  type: 'step-report'
  step: number
}

export interface PacedStepReport {
  type: 'step-report'
  deliveries: number
  latency: HistogramData
  /** When the step's last delivery arrived (shared clock), 0 if none did. */
  lastAt: number
  disconnects: number
}

interface StepTally {
  step: number
  from: number
  deliveries: number
  latency: Histogram
  lastAt: number
}

const config = childConfig<PacedWorkerConfig>()

runChild(async () => {
  // Ascending by `from`; deliveries sent before the first step (priming) count nowhere.
  const steps: StepTally[] = []
  const tallyOf = (step: number): StepTally | undefined => steps.find((each) => each.step === step)
  let disconnects = 0

  const onEvent = (name: string, args: unknown[]): void => {
    if (name !== 'notification') return
    const stamp = stampOf((args[0] as { message?: unknown } | undefined)?.message)
    if (stamp === undefined) return
    const at = nowMs()
    for (let i = steps.length - 1; i >= 0; i -= 1) {
      const tally = steps[i] as StepTally
      if (stamp.sentAt < tally.from) continue
      tally.deliveries += 1
      tally.latency.record(at - stamp.sentAt)
      tally.lastAt = at
      return
    }
  }

  const pool = await connectSubscribers(config, { onEvent, onClose: () => (disconnects += 1) })
  const connected: SubscribersConnected = { type: 'connected', ...poolCounts(pool) }
  tellParent(connected)

  onParentMessage<PacedStepOpen>('step-open', ({ step, from }) => {
    steps.push({ step, from, deliveries: 0, latency: new Histogram(), lastAt: 0 })
    tellParent({ type: 'step-open' })
  })
  onParentMessage<PacedStepQuery>('step-count', ({ step }) => {
    const count: PacedStepCount = {
      type: 'step-count',
      deliveries: tallyOf(step)?.deliveries ?? 0,
    }
    tellParent(count)
  })
  onParentMessage<PacedStepClose>('step-report', ({ step }) => {
    const tally = tallyOf(step)
    const report: PacedStepReport = {
      type: 'step-report',
      deliveries: tally?.deliveries ?? 0,
      latency: (tally?.latency ?? new Histogram()).toData(),
      lastAt: tally?.lastAt ?? 0,
      disconnects,
    }
    tellParent(report)
  })
  await new Promise<void>((resolve) => onParentMessage('done', () => resolve()))
  for (const socket of pool.sockets) socket.close()
})
