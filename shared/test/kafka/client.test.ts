import { describe, expect, it } from 'vitest'

import { envReader } from '../../src/env.js'
import { heraldTopicName, kafkaTopicName, readKafkaEnv } from '../../src/kafka/client.js'

describe('topic names in Kafka', () => {
  it('prefixes herald topics and strips the prefix back', () => {
    expect(kafkaTopicName('herald.', 'orders')).toBe('herald.orders')
    expect(heraldTopicName('herald.', 'herald.orders')).toBe('orders')
    expect(heraldTopicName('', 'orders')).toBe('orders')
  })

  it('ignores Kafka topics that are not herald topics', () => {
    expect(heraldTopicName('herald.', 'other.orders')).toBeUndefined()
    expect(heraldTopicName('herald.', 'herald.')).toBeUndefined()
    expect(heraldTopicName('', '__consumer_offsets')).toBeUndefined()
  })
})

describe('readKafkaEnv', () => {
  it('reads brokers, prefix and the key scan limit with defaults', () => {
    expect(readKafkaEnv(envReader({}))).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      keyScanLimit: 250_000,
    })
    expect(
      readKafkaEnv(
        envReader({
          KAFKA_BROKERS: 'k1:9092,k2:9092',
          HERALD_TOPIC_PREFIX: 'h.',
          HERALD_KEY_SCAN_LIMIT: '5000',
        }),
      ),
    ).toEqual({
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      topicPrefix: 'h.',
      keyScanLimit: 5000,
    })
  })

  it('refuses a key scan limit below 1,000 offsets', () => {
    const read = envReader({ HERALD_KEY_SCAN_LIMIT: '10' })
    readKafkaEnv(read)
    expect(() => read.finish({})).toThrow(/HERALD_KEY_SCAN_LIMIT/)
  })

  it('refuses a prefix Kafka could not hold in front of a 200-character topic', () => {
    const read = envReader({ HERALD_TOPIC_PREFIX: 'p'.repeat(50) })
    readKafkaEnv(read)
    expect(() => read.finish({})).toThrow(/HERALD_TOPIC_PREFIX/)
  })
})
