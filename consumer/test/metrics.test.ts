import { createServiceMetrics } from '@herald/shared/service'
import { describe, expect, it } from 'vitest'

import { createConsumerMetrics } from '../src/metrics.js'
import type { RefusalCount } from '../src/refusal-tally.js'

/** What a consumer would have counted; the metrics read it at each scrape. */
function counted() {
  return {
    recordsConsumed: 0,
    recordsBroadcast: 0,
    recordsBroadcastHereOnly: 0,
    deadLettered: { too_large: 0, not_utf8: 0 },
    deliveries: 0,
    sockets: 0,
    subscriptions: 0,
    lagRecords: 0,
    groupLagRecords: 0,
    paused: false,
    pauses: 0,
    pausedSeconds: 0,
    slowConsumersCut: 0,
    rebalances: 0,
    rebalancingSeconds: 0,
    recoveries: { new: 0, recovered: 0, position_expired: 0, unknown_position: 0, scan_limit: 0 },
    recordsReplayed: 0,
    refusals: [] as RefusalCount[],
  }
}

function setUp() {
  const service = createServiceMetrics()
  const state = counted()
  const metrics = createConsumerMetrics(service, {
    recordsConsumed: () => state.recordsConsumed,
    recordsBroadcast: () => state.recordsBroadcast,
    recordsBroadcastHereOnly: () => state.recordsBroadcastHereOnly,
    deadLettered: () => state.deadLettered,
    deliveries: () => state.deliveries,
    sockets: () => state.sockets,
    subscriptions: () => state.subscriptions,
    lagRecords: () => state.lagRecords,
    groupLagRecords: () => state.groupLagRecords,
    paused: () => state.paused,
    pauses: () => state.pauses,
    pausedSeconds: () => state.pausedSeconds,
    slowConsumersCut: () => state.slowConsumersCut,
    rebalances: () => state.rebalances,
    rebalancingSeconds: () => state.rebalancingSeconds,
    recoveries: () => state.recoveries,
    recordsReplayed: () => state.recordsReplayed,
    refusals: () => state.refusals,
  })
  return { state, metrics, scrape: async () => (await service.render()).body }
}

describe('createConsumerMetrics', () => {
  it('reads what the consumer counted at each scrape', async () => {
    const { state, scrape } = setUp()
    state.recordsConsumed = 5
    state.deliveries = 12
    state.recordsBroadcastHereOnly = 6
    state.sockets = 3
    state.paused = true
    state.deadLettered.too_large = 2
    state.rebalances = 4
    state.groupLagRecords = 17
    state.recoveries.recovered = 7
    state.recordsReplayed = 31
    state.refusals.push(
      { kind: 'auth', code: 'token_expired', caller: 'token', count: 2 },
      { kind: 'limit', code: 'too_many_topics', caller: 'token', count: 3 },
    )
    let body = await scrape()
    expect(body).toContain('herald_records_consumed_total 5')
    expect(body).toContain('herald_deliveries_total 12')
    expect(body).toContain('herald_records_broadcast_here_only_total 6')
    expect(body).toContain('herald_sockets 3')
    expect(body).toContain('herald_delivery_paused 1')
    expect(body).toContain('herald_records_dead_lettered_total{reason="too_large"} 2')
    // Every reason has its series from the start, at 0 until it happens.
    expect(body).toContain('herald_records_dead_lettered_total{reason="not_utf8"} 0')
    expect(body).toContain('herald_rebalances_total 4')
    expect(body).toContain('herald_group_lag_records 17')
    expect(body).toContain('herald_recoveries_total{verdict="recovered"} 7')
    expect(body).toContain('herald_recoveries_total{verdict="position_expired"} 0')
    expect(body).toContain('herald_records_replayed_total 31')
    expect(body).toContain('herald_auth_failures_total{key="token",reason="token_expired"} 2')
    expect(body).toContain('herald_limits_hit_total{limit="too_many_topics",key="token"} 3')

    state.recordsConsumed = 9
    state.paused = false
    body = await scrape()
    expect(body).toContain('herald_records_consumed_total 9')
    expect(body).toContain('herald_delivery_paused 0')
  })

  it('times each broadcast from the record timestamp', async () => {
    const { metrics, scrape } = setUp()
    metrics.broadcastAfter(Date.now() - 30)
    metrics.broadcastAfter(Date.now() - 3_000)
    const body = await scrape()
    expect(body).toContain('herald_publish_to_broadcast_seconds_count 2')
    expect(body).toContain('herald_publish_to_broadcast_seconds_bucket{le="0.025"} 0')
    expect(body).toContain('herald_publish_to_broadcast_seconds_bucket{le="0.05"} 1')
    expect(body).toContain('herald_publish_to_broadcast_seconds_bucket{le="5"} 2')
  })
})
