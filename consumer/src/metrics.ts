// The consumer's metrics. Deliveries and most counts are plain numbers the hot path adds to, read
// here at each scrape, so that a delivery costs no metric call; a broadcast record costs one
// histogram observation. No label takes a topic, a key or a socket: the series are the same with
// one topic or a million.

import { LATENCY_BUCKETS_SECONDS, type ServiceMetrics } from '@herald/shared/service'
import { Counter, Gauge, Histogram } from 'prom-client'

import type { PoisonReason } from './dead-letters.js'
import type { RecoveryOutcome } from './recovery-tally.js'
import type { RefusalCount } from './refusal-tally.js'

/** What the consumer counts as it runs, read at each scrape. */
export interface ConsumerReadings {
  recordsConsumed: () => number
  recordsBroadcast: () => number
  /** Of those, the records no other instance had a socket for: not published to Redis. */
  recordsBroadcastHereOnly: () => number
  deadLettered: () => Readonly<Record<PoisonReason, number>>
  deliveries: () => number
  sockets: () => number
  subscriptions: () => number
  lagRecords: () => number
  groupLagRecords: () => number
  paused: () => boolean
  pauses: () => number
  pausedSeconds: () => number
  slowConsumersCut: () => number
  rebalances: () => number
  rebalancingSeconds: () => number
  recoveries: () => Readonly<Record<RecoveryOutcome, number>>
  recordsReplayed: () => number
  refusals: () => readonly RefusalCount[]
}

export interface ConsumerMetrics {
  /** A record broadcast now, `timestamp` ms after the epoch when Kafka stored it. */
  broadcastAfter(timestamp: number): void
}

/** Publish-to-broadcast delays up to a minute: a consumer catching up after a failover. */
const DELAY_BUCKETS = [...LATENCY_BUCKETS_SECONDS, 10, 30, 60]

/** A counter whose value is kept elsewhere and read at each scrape. */
function readCounter(
  registry: ServiceMetrics['registry'],
  name: string,
  help: string,
  read: () => number,
): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset()
      this.inc(read())
    },
  })
}

/** A counter per value of one label, read at each scrape from a record of counts by that value. */
function readLabelledCounter(
  registry: ServiceMetrics['registry'],
  name: string,
  help: string,
  label: string,
  read: () => Readonly<Record<string, number>>,
): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset()
      for (const [value, count] of Object.entries(read())) this.inc({ [label]: value }, count)
    },
  })
}

/** A counter of some of the refusals, labelled by `labelsOf` (undefined: not this counter's). */
function readRefusals(
  registry: ServiceMetrics['registry'],
  name: string,
  help: string,
  labelNames: readonly string[],
  labelsOf: (refusal: RefusalCount) => Record<string, string> | undefined,
  read: () => readonly RefusalCount[],
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset()
      for (const refusal of read()) {
        const labels = labelsOf(refusal)
        if (labels !== undefined) this.inc(labels, refusal.count)
      }
    },
  })
}

function readGauge(
  registry: ServiceMetrics['registry'],
  name: string,
  help: string,
  read: () => number,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read())
    },
  })
}

export function createConsumerMetrics(
  { registry }: ServiceMetrics,
  readings: ConsumerReadings,
): ConsumerMetrics {
  readCounter(
    registry,
    'herald_records_consumed_total',
    'Records read from Kafka by this instance',
    readings.recordsConsumed,
  )
  readCounter(
    registry,
    'herald_records_broadcast_total',
    "Records this instance broadcast to their topic's rooms on every instance",
    readings.recordsBroadcast,
  )
  readCounter(
    registry,
    'herald_records_broadcast_here_only_total',
    'Of the records broadcast, those no other instance had a socket for: not published to Redis',
    readings.recordsBroadcastHereOnly,
  )
  readLabelledCounter(
    registry,
    'herald_records_dead_lettered_total',
    'Records sent to the dead-letter topic instead of broadcast, by reason',
    'reason',
    readings.deadLettered,
  )
  readCounter(
    registry,
    'herald_deliveries_total',
    "Notifications handed to this instance's sockets, whichever instance broadcast them",
    readings.deliveries,
  )
  readGauge(registry, 'herald_sockets', 'Sockets connected to this instance', readings.sockets)
  readGauge(
    registry,
    'herald_subscriptions',
    "Rooms joined by this instance's sockets (topics, keys and patterns)",
    readings.subscriptions,
  )
  readGauge(
    registry,
    'herald_consumer_lag_records',
    'Records in the partitions this instance holds not delivered yet, as its last fetches saw them',
    readings.lagRecords,
  )
  readGauge(
    registry,
    'herald_group_lag_records',
    "The whole consumer group's records not yet committed, from Kafka: a stopped member's partitions count too",
    readings.groupLagRecords,
  )
  readGauge(
    registry,
    'herald_delivery_paused',
    '1 while fetching waits for sockets or Redis to take what was sent, else 0',
    () => (readings.paused() ? 1 : 0),
  )
  readCounter(
    registry,
    'herald_delivery_pauses_total',
    'Times fetching waited for sockets or Redis',
    readings.pauses,
  )
  readCounter(
    registry,
    'herald_delivery_paused_seconds_total',
    'Time fetching waited for sockets or Redis',
    readings.pausedSeconds,
  )
  readCounter(
    registry,
    'herald_slow_consumers_cut_total',
    'Sockets cut for not reading what they were sent',
    readings.slowConsumersCut,
  )
  readCounter(
    registry,
    'herald_rebalances_total',
    'Consumer-group generations this instance joined (each rebalance it took part in)',
    readings.rebalances,
  )
  readCounter(
    registry,
    'herald_rebalance_seconds_total',
    'Time from learning of a rebalance to joining its generation: partitions that move are unread',
    readings.rebalancingSeconds,
  )
  readLabelledCounter(
    registry,
    'herald_recoveries_total',
    'Catch-ups of (re)subscribing sockets, one per entry, by verdict: new, recovered, or why not',
    'verdict',
    readings.recoveries,
  )
  readCounter(
    registry,
    'herald_records_replayed_total',
    'Notifications replayed from Kafka to catching-up sockets',
    readings.recordsReplayed,
  )
  readRefusals(
    registry,
    'herald_auth_failures_total',
    "Handshakes and subscriptions refused for their token or its grants, by key ('token', 'none' or 'open': never a subject) and reason",
    ['key', 'reason'],
    ({ kind, code, caller }) => (kind === 'auth' ? { key: caller, reason: code } : undefined),
    readings.refusals,
  )
  readRefusals(
    registry,
    'herald_limits_hit_total',
    'Handshakes and subscriptions refused by a limit (sockets per subject or address, subscribes per window, topics per socket)',
    ['limit', 'key'],
    ({ kind, code, caller }) => (kind === 'limit' ? { limit: code, key: caller } : undefined),
    readings.refusals,
  )
  const delay = new Histogram({
    name: 'herald_publish_to_broadcast_seconds',
    help: 'Time from Kafka storing a record (its timestamp) to this instance broadcasting it',
    buckets: DELAY_BUCKETS,
    registers: [registry],
  })
  return {
    broadcastAfter(timestamp) {
      delay.observe(Math.max(0, Date.now() - timestamp) / 1000)
    },
  }
}
