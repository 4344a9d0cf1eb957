import { ConfigError } from '@herald/shared/env'
import { describe, expect, it } from 'vitest'

import { readProducerConfig } from '../src/config.js'

describe('readProducerConfig', () => {
  it('has defaults that run against a local broker', () => {
    expect(readProducerConfig({})).toMatchObject({
      port: 8080,
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPartitions: 1,
      maxTopicPartitions: 16,
      publishTimeoutMs: 4000,
      maxBodyBytes: 65536,
    })
  })

  it('keeps the publish timeout inside the 5 s the contract promises', () => {
    expect(() => readProducerConfig({ HERALD_PUBLISH_TIMEOUT_MS: '6000' })).toThrow(ConfigError)
  })

  it('refuses a default partition count above the cap', () => {
    expect(() =>
      readProducerConfig({ HERALD_TOPIC_PARTITIONS: '32', HERALD_MAX_TOPIC_PARTITIONS: '16' }),
    ).toThrow(/HERALD_TOPIC_PARTITIONS \(32\) exceeds HERALD_MAX_TOPIC_PARTITIONS \(16\)/)
  })

  it('lists every bad variable in one error', () => {
    try {
      readProducerConfig({ PORT: 'eighty', HERALD_TOPIC_PARTITIONS: '0', KAFKA_BROKERS: ',' })
      expect.unreachable()
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(3)
    }
  })
})
