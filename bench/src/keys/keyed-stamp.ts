// The keys scenario's payload, and the exact account of who received what. Pure, so it is tested
// alone.

import { stampOf, type StampedMessage } from '../clock.js'

/** A stamped message addressed to one subscriber. */
export interface KeyedStamp extends StampedMessage {
  to: number
}

export function keyedStampOf(message: unknown): KeyedStamp | undefined {
  const stamp = stampOf(message)
  const to = (message as { to?: unknown } | undefined)?.to
  return stamp === undefined || typeof to !== 'number' ? undefined : { ...stamp, to }
}

export interface DeliveryAccount {
  /** Sent to a subscriber that never received it. */
  lost: number
  /** Received again by the subscriber it was sent to. */
  duplicated: number
  /** Received by a subscriber it was not sent to. */
  foreign: number
  /** Received once by the subscriber it was sent to. */
  delivered: number
}

/**
 * Compares what was sent (seq → the subscriber it was addressed to) with what each subscriber
 * received. Only subscribers that connected count: a notification to one that did not is neither
 * lost nor delivered.
 */
export function accountDeliveries(
  sentTo: ReadonlyMap<number, number>,
  received: Readonly<Record<number, readonly number[]>>,
): DeliveryAccount {
  const account: DeliveryAccount = { lost: 0, duplicated: 0, foreign: 0, delivered: 0 }
  const got = new Map<number, number>()
  for (const [subscriber, seqs] of Object.entries(received)) {
    for (const seq of seqs) {
      if (!sentTo.has(seq)) continue
      if (sentTo.get(seq) !== Number(subscriber)) {
        account.foreign += 1
        continue
      }
      const times = (got.get(seq) ?? 0) + 1
      got.set(seq, times)
      if (times === 1) account.delivered += 1
      else account.duplicated += 1
    }
  }
  for (const [seq, subscriber] of sentTo) {
    if (received[subscriber] !== undefined && !got.has(seq)) account.lost += 1
  }
  return account
}
