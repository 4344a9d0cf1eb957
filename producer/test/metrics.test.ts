import { KafkaUnavailableError, TopicRejectedError } from '@herald/shared/kafka'
import { createServiceMetrics } from '@herald/shared/service'
import { describe, expect, it } from 'vitest'

import {
  createProducerMetrics,
  publishErrorLabel,
  refusedCaller,
  routeLabel,
} from '../src/metrics.js'

const receipt = { topic: 't', partition: 0, offset: '7', timestamp: 1_765_000_000_000 }

describe('routeLabel', () => {
  it('is the pattern of the route that took the request, never the path asked for', () => {
    expect(routeLabel('', '/notify')).toBe('/notify')
    expect(routeLabel('/topics', '/:topic/messages')).toBe('/topics/:topic/messages')
    expect(routeLabel('', undefined)).toBe('unmatched')
  })
})

describe('publishErrorLabel', () => {
  it('names the failures the contract answers and folds the rest', () => {
    expect(publishErrorLabel(new KafkaUnavailableError('down'))).toBe('kafka_unavailable')
    expect(publishErrorLabel(new TopicRejectedError('bad', 'INVALID_TOPIC_EXCEPTION'))).toBe(
      'topic_rejected',
    )
    expect(publishErrorLabel(new Error('anything'))).toBe('other')
  })
})

describe('refusedCaller', () => {
  it("names a key by its name and never takes a token's subject", () => {
    const key = { name: 'billing', publish: ['orders'], createTopics: false } as never
    expect(refusedCaller({ kind: 'key', key }, true)).toBe('billing')
    expect(refusedCaller({ kind: 'token', grant: { subject: 'user-7' } as never }, true)).toBe(
      'token',
    )
    expect(refusedCaller({ kind: 'admin', grant: { subject: 'ops' } as never }, true)).toBe('admin')
    expect(refusedCaller(undefined, true)).toBe('unknown')
    expect(refusedCaller(undefined, false)).toBe('none')
  })
})

describe('createProducerMetrics', () => {
  it('counts 401 and 403 as auth failures, 413 and 429 as limits hit, and nothing else', async () => {
    const service = createServiceMetrics()
    const metrics = createProducerMetrics(service)
    const key = { name: 'news', publish: ['news'], createTopics: false }
    const asKey = { locals: { caller: { kind: 'key', key } } } as never
    const anonymous = { locals: {} } as never
    const withHeader = { headers: { authorization: 'Bearer nope' } } as never
    const without = { headers: {} } as never
    metrics.refused('unauthorized', withHeader, anonymous)
    metrics.refused('unauthorized', without, anonymous)
    metrics.refused('forbidden', withHeader, asKey)
    metrics.refused('rate_limited', withHeader, asKey)
    metrics.refused('rate_limited', withHeader, asKey)
    metrics.refused('payload_too_large', withHeader, asKey)
    metrics.refused('invalid_json', withHeader, asKey)
    const { body } = await service.render()
    expect(body).toContain('herald_auth_failures_total{key="unknown",reason="unauthorized"} 1')
    expect(body).toContain('herald_auth_failures_total{key="none",reason="unauthorized"} 1')
    expect(body).toContain('herald_auth_failures_total{key="news",reason="forbidden"} 1')
    expect(body).toContain('herald_limits_hit_total{limit="rate_limited",key="news"} 2')
    expect(body).toContain('herald_limits_hit_total{limit="payload_too_large",key="news"} 1')
    expect(body).not.toContain('invalid_json')
  })

  it('counts acknowledged and failed publishes and keeps the publisher working', async () => {
    const service = createServiceMetrics()
    const metrics = createProducerMetrics(service)
    let fail = false
    let connected = true
    const publisher = metrics.instrument({
      publish: () =>
        fail ? Promise.reject(new KafkaUnavailableError('down')) : Promise.resolve(receipt),
      get connected() {
        return connected
      },
    })
    await expect(publisher.publish({ topic: 't', message: 1 } as never)).resolves.toBe(receipt)
    await expect(publisher.publish({ topic: 't', message: 2 } as never)).resolves.toBe(receipt)
    fail = true
    await expect(publisher.publish({ topic: 't', message: 3 } as never)).rejects.toThrow('down')
    connected = false
    expect(publisher.connected).toBe(false)

    const { body } = await service.render()
    expect(body).toContain('herald_records_published_total 2')
    expect(body).toContain('herald_kafka_produce_errors_total{error="kafka_unavailable"} 1')
    expect(body).toContain('herald_kafka_produce_duration_seconds_count{outcome="acknowledged"} 2')
    expect(body).toContain('herald_kafka_produce_duration_seconds_count{outcome="failed"} 1')
    // The process's own figures come with it.
    expect(body).toContain('nodejs_eventloop_lag_seconds')
  })
})
