import { ConfigError } from '@herald/shared/env'
import { describe, expect, it } from 'vitest'

import { readProducerConfig } from '../src/config.js'

const OPEN = { HERALD_OPEN_ACCESS: 'true' }
const SECRET = 'a-shared-secret-of-at-least-32-bytes!'
const KEYS = JSON.stringify([
  { name: 'billing', key: 'hk_billing_test_key_0001', publish: ['orders'] },
])

describe('readProducerConfig', () => {
  it('has defaults that run against a local broker', () => {
    expect(readProducerConfig(OPEN)).toMatchObject({
      port: 8080,
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPartitions: 1,
      maxTopicPartitions: 16,
      publishTimeoutMs: 4000,
      maxBodyBytes: 65536,
    })
  })

  it('keeps the publish timeout inside the 5 s the contract promises', () => {
    expect(() => readProducerConfig({ ...OPEN, HERALD_PUBLISH_TIMEOUT_MS: '6000' })).toThrow(
      ConfigError,
    )
  })

  it('refuses a default partition count above the cap', () => {
    expect(() =>
      readProducerConfig({
        ...OPEN,
        HERALD_TOPIC_PARTITIONS: '32',
        HERALD_MAX_TOPIC_PARTITIONS: '16',
      }),
    ).toThrow(/HERALD_TOPIC_PARTITIONS \(32\) exceeds HERALD_MAX_TOPIC_PARTITIONS \(16\)/)
  })

  it('lists every bad variable in one error', () => {
    try {
      readProducerConfig({
        ...OPEN,
        PORT: 'eighty',
        HERALD_TOPIC_PARTITIONS: '0',
        KAFKA_BROKERS: ',',
      })
      expect.unreachable()
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(3)
    }
  })

  it('refuses to start without publisher keys and a token key, naming both', () => {
    expect(() => readProducerConfig({})).toThrow(/no publisher keys/)
    expect(() => readProducerConfig({})).toThrow(/no token key/)
  })

  it('runs open only when told to, and then with no key at all', () => {
    expect(readProducerConfig(OPEN).access).toEqual({ open: true })
    expect(() => readProducerConfig({ ...OPEN, HERALD_TOKEN_SECRET: SECRET })).toThrow(
      /choose open or keys/,
    )
  })

  it('reads keys and a token secret', () => {
    const { access } = readProducerConfig({
      HERALD_PUBLISHER_KEYS: KEYS,
      HERALD_TOKEN_SECRET: SECRET,
    })
    expect(access.open).toBe(false)
    if (access.open) return
    expect(access.keyring?.identify('hk_billing_test_key_0001')?.name).toBe('billing')
    expect(access.tokens).toMatchObject({ secret: SECRET, audience: 'herald' })
  })

  it('refuses a short token secret', () => {
    expect(() =>
      readProducerConfig({ HERALD_PUBLISHER_KEYS: KEYS, HERALD_TOKEN_SECRET: 'short' }),
    ).toThrow(/at least 32 bytes/)
  })

  it('has limits on by default', () => {
    expect(readProducerConfig(OPEN)).toMatchObject({
      publishRateLimit: 1000,
      topicCreationsPerCallerLimit: 100,
      topicCreationsLimit: 1000,
    })
  })
})
