// When this instance cannot hand records on as fast as it fetches them — its sockets' transports
// take less than it queues, or Redis answers the adapter's publishes slower than they are sent —
// the fetch loop waits before the next record, so the backlog stays in Kafka, where it is durable
// and costs no memory here, instead of in queues in this process. Deliveries are late, never lost
// or reordered: the loop resumes where it stopped. One socket cannot stop it for the others: the
// instance's limit is far above what one socket may queue before it is cut (outbound-limit.ts).

export interface PressureLimits {
  /** Bytes queued for every socket of this instance together, past which fetching waits. */
  maxQueuedBytes: number
  /** Redis commands sent and not yet answered, past which fetching waits. */
  maxRedisPending: number
}

export interface PressureGauges {
  queuedBytes: () => number
  redisPending: () => number
}

export type PressureCause = 'outbound' | 'redis'

export interface PressureEvents {
  onPause: (cause: PressureCause) => void
  onResume: (pausedMs: number) => void
}

/** How often a paused instance looks whether the queues went down; no event says so for Redis. */
const CHECK_INTERVAL_MS = 10

export class DeliveryPressure {
  readonly #gauges: PressureGauges
  readonly #limits: PressureLimits
  readonly #events: PressureEvents
  #paused: { cause: PressureCause; since: number; resumed: Promise<void> } | undefined
  #released = false
  #pausedMsTotal = 0
  #pauses = 0

  constructor(gauges: PressureGauges, limits: PressureLimits, events: PressureEvents) {
    this.#gauges = gauges
    this.#limits = limits
    this.#events = events
  }

  /** Why delivery waits now, or undefined when it flows. */
  get cause(): PressureCause | undefined {
    return this.#paused?.cause
  }

  /** How often, and for how long in all, delivery waited. */
  get totals(): { pauses: number; pausedMs: number } {
    const current = this.#paused === undefined ? 0 : Date.now() - this.#paused.since
    return { pauses: this.#pauses, pausedMs: this.#pausedMsTotal + current }
  }

  /**
   * Undefined when the next record may be delivered now; otherwise a promise that settles once
   * the queues are back under half their limits (so that one more record does not pause again).
   */
  wait(): Promise<void> | undefined {
    if (this.#paused !== undefined) return this.#paused.resumed
    const cause = this.#released ? undefined : this.#over(1)
    if (cause === undefined) return undefined
    const since = Date.now()
    const resumed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!this.#released && this.#over(0.5) !== undefined) return
        clearInterval(check)
        const pausedMs = Date.now() - since
        this.#pausedMsTotal += pausedMs
        this.#paused = undefined
        this.#events.onResume(pausedMs)
        resolve()
      }, CHECK_INTERVAL_MS)
    })
    this.#paused = { cause, since, resumed }
    this.#pauses += 1
    this.#events.onPause(cause)
    return resumed
  }

  /**
   * Never waits again, and ends a wait under way: on shutdown the fetch in hand is delivered and
   * committed rather than held by sockets that do not read.
   */
  release(): void {
    this.#released = true
  }

  #over(share: number): PressureCause | undefined {
    if (this.#gauges.queuedBytes() > this.#limits.maxQueuedBytes * share) return 'outbound'
    if (this.#gauges.redisPending() > this.#limits.maxRedisPending * share) return 'redis'
    return undefined
  }
}
