// The publisher and subscriber of the topics scenario, in the bench's own process (a few hundred
// notifications a second at most): it numbers every notification it posts, so that what was lost
// or came twice is counted exactly per topic, and times each one from POST to arrival on one clock.

import type { Notification } from '@herald/shared'
import { io, type Socket } from 'socket.io-client'

import { nowMs, sleep, stampOf } from '../clock.js'
import { Histogram } from '../histogram.js'
import { primeTopic } from './prime.js'
import { SequenceTally } from './sequence-tally.js'

/** 50 notifications per second on the streaming topic. */
export const STREAM_INTERVAL_MS = 20
/** More POSTs than this outstanding means the stack stalls: skip a slot instead of piling up. */
const MAX_IN_FLIGHT = 256
/** Longest wait for stragglers once the sending stopped. */
const DRAIN_TIMEOUT_MS = 15_000

export interface Arrival {
  seq: number
  sentAt: number
  at: number
}

export interface WatcherOptions {
  /** Where the socket connects, when not `origin` (a consumer's own, bypassing nginx). */
  socketOrigin?: string
  /** Keep every arrival of the streaming topic (send and receive times), for pauses. */
  keepArrivals?: boolean
}

export class TopicWatcher {
  readonly tally = new SequenceTally()
  /** The streaming topic: POST sent → notification received. */
  readonly streamLatency = new Histogram()
  /** Every other topic's first record (sequence number 0): POST sent → received. */
  readonly firstLatency = new Histogram()
  /** Every other topic's first POST → its 202: the producer creating the topic. */
  readonly firstPostLatency = new Histogram()
  /** The streaming topic's arrivals in arrival order, when kept. */
  readonly arrivals: Arrival[] = []
  /** Answers other than 202, by status; network errors as `network`. */
  readonly statuses: Record<string, number> = {}
  skippedSends = 0
  disconnects = 0
  readonly #socket: Socket

  /** What went wrong with the sends, as every topics row reports it. */
  get sendTrouble(): {
    skippedSends: number
    disconnects: number
    otherStatuses: Record<string, number>
  } {
    return {
      skippedSends: this.skippedSends,
      disconnects: this.disconnects,
      otherStatuses: this.statuses,
    }
  }
  readonly #inFlight = new Set<Promise<void>>()
  #primed = false

  /** @param origin where it posts (the entry point) and, unless told otherwise, subscribes */
  constructor(
    readonly origin: string,
    readonly streamTopic: string,
    { socketOrigin = origin, keepArrivals = false }: WatcherOptions = {},
  ) {
    // No reconnection: a new socket would have none of this one's subscriptions, and every later
    // record would count as lost. A disconnect is counted and shows in the row instead.
    this.#socket = io(socketOrigin, {
      transports: ['websocket'],
      reconnection: false,
      timeout: 10_000,
    })
    this.#socket.on('disconnect', () => {
      this.disconnects += 1
    })
    this.#socket.on('notification', (notification: Notification) => {
      const at = nowMs()
      const stamp = stampOf(notification.message)
      if (stamp === undefined) {
        if (notification.topic === streamTopic) this.#primed = true
        return
      }
      if (!this.tally.received(notification.topic, stamp.seq)) return
      if (notification.topic === streamTopic) {
        this.streamLatency.record(at - stamp.sentAt)
        if (keepArrivals) this.arrivals.push({ ...stamp, at })
      } else if (stamp.seq === 0) {
        this.firstLatency.record(at - stamp.sentAt)
      }
    })
  }

  /** Connects, subscribes to the streaming topic and `patterns`, and waits until it delivers. */
  async start(patterns: readonly string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#socket.once('connect', () => resolve())
      this.#socket.once('connect_error', reject)
    })
    const ack = (await this.#socket.timeout(30_000).emitWithAck('subscribe', {
      topics: [this.streamTopic, ...patterns],
    })) as { ok?: boolean }
    if (ack.ok !== true) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
    await primeTopic(this.origin, this.streamTopic, async () => {
      await sleep(200)
      return this.#primed
    })
  }

  /** Posts `topic`'s next numbered notification without waiting for it. */
  post(topic: string): void {
    if (this.#inFlight.size >= MAX_IN_FLIGHT) {
      this.skippedSends += 1
      return
    }
    const sending = this.#send(topic).finally(() => this.#inFlight.delete(sending))
    this.#inFlight.add(sending)
  }

  async #send(topic: string): Promise<void> {
    const seq = this.tally.next(topic)
    const sentAt = nowMs()
    let status = 'network'
    try {
      const response = await fetch(`${this.origin}/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic, message: { seq, sentAt } }),
        signal: AbortSignal.timeout(30_000),
      })
      await response.arrayBuffer()
      status = String(response.status)
    } catch {
      // counted below
    }
    if (status === '202') this.tally.accepted(topic, seq)
    else this.statuses[status] = (this.statuses[status] ?? 0) + 1
    if (topic !== this.streamTopic && seq === 0) this.firstPostLatency.record(nowMs() - sentAt)
  }

  /**
   * Posts to the streaming topic every STREAM_INTERVAL_MS, on a fixed schedule (a slow answer does
   * not delay the next send), until the returned function is called; that resolves once every
   * POST was answered.
   */
  startStream(): () => Promise<void> {
    let streaming = true
    const startedAt = nowMs()
    const loop = (async () => {
      for (let slot = 0; streaming; slot += 1) {
        await sleep(Math.max(0, startedAt + slot * STREAM_INTERVAL_MS - nowMs()))
        if (streaming) this.post(this.streamTopic)
      }
    })()
    return async () => {
      streaming = false
      await loop
      await this.settled()
    }
  }

  /** Resolves once every POST made so far was answered. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight])
  }

  /** Waits, bounded, for everything accepted to arrive. */
  async drain(): Promise<void> {
    await this.settled()
    const deadline = nowMs() + DRAIN_TIMEOUT_MS
    while (!this.tally.complete() && nowMs() < deadline) await sleep(100)
  }

  close(): void {
    this.#socket.close()
  }
}
