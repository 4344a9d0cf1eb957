import { ConfigError } from '@herald/shared/env'
import { describe, expect, it } from 'vitest'

import { readConsumerConfig } from '../src/config.js'

const OPEN = { HERALD_OPEN_ACCESS: 'true' }

describe('readConsumerConfig', () => {
  it('has defaults that run against a local broker and Redis', () => {
    expect(readConsumerConfig(OPEN)).toMatchObject({
      kafkaBrokers: ['127.0.0.1:9092'],
      redisUrl: 'redis://127.0.0.1:6379',
      groupId: 'herald-consumers',
      topicRefreshMs: 5000,
    })
  })

  it('refuses a Redis address that is not a redis:// URL', () => {
    expect(() => readConsumerConfig({ ...OPEN, REDIS_URL: 'localhost:6379' })).toThrow(ConfigError)
  })

  it('refuses to start without a token key unless told to run open', () => {
    expect(() => readConsumerConfig({})).toThrow(/no token key/)
    expect(readConsumerConfig(OPEN).access).toEqual({ open: true })
  })

  it('takes no publisher keys: only a token key', () => {
    const config = readConsumerConfig({ HERALD_TOKEN_SECRET: 'x'.repeat(32) })
    expect(config.access).toMatchObject({ open: false, tokens: { audience: 'herald' } })
  })

  it('has socket limits on by default', () => {
    expect(readConsumerConfig(OPEN)).toMatchObject({
      tokenExpiryNoticeMs: 60_000,
      socketsPerSubjectLimit: 20,
      socketsPerAddressLimit: 200,
      subscribesPerSocketLimit: 30,
      subscribesWindowMs: 10_000,
    })
  })

  it('bounds what one socket may have queued, never below one record', () => {
    expect(readConsumerConfig(OPEN).outbound).toEqual({
      maxQueuedBytes: 4 * 1024 * 1024,
      maxQueuedPackets: 1000,
      closeGraceMs: 5000,
    })
    expect(() =>
      readConsumerConfig({
        ...OPEN,
        HERALD_MAX_RECORD_BYTES: String(1024 * 1024),
        HERALD_SOCKET_MAX_QUEUED_BYTES: String(512 * 1024),
      }),
    ).toThrow(/at least HERALD_MAX_RECORD_BYTES/)
  })

  it("stops fetching past the instance's queue limit, never within one socket's reach", () => {
    const config = readConsumerConfig(OPEN)
    expect(config.pressure).toEqual({ maxQueuedBytes: 64 * 1024 * 1024, maxRedisPending: 10_000 })
    expect(config.behindLagRecords).toBe(1000)
    expect(() =>
      readConsumerConfig({
        ...OPEN,
        HERALD_SOCKET_MAX_QUEUED_BYTES: String(1024 * 1024),
        HERALD_CONSUMER_MAX_QUEUED_BYTES: String(1024 * 1024),
      }),
    ).toThrow(/at least twice HERALD_SOCKET_MAX_QUEUED_BYTES/)
  })
})
