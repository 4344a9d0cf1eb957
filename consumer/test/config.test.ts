import { ConfigError } from '@herald/shared/env'
import { describe, expect, it } from 'vitest'

import { readConsumerConfig } from '../src/config.js'

describe('readConsumerConfig', () => {
  it('has defaults that run against a local broker and Redis', () => {
    expect(readConsumerConfig({})).toMatchObject({
      kafkaBrokers: ['127.0.0.1:9092'],
      redisUrl: 'redis://127.0.0.1:6379',
      groupId: 'herald-consumers',
      topicRefreshMs: 5000,
    })
  })

  it('refuses a Redis address that is not a redis:// URL', () => {
    expect(() => readConsumerConfig({ REDIS_URL: 'localhost:6379' })).toThrow(ConfigError)
  })
})
