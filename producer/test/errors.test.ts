import { KafkaUnavailableError, TopicRejectedError } from '@herald/shared/kafka'
import { RegistryUnavailableError } from '@herald/shared/service'
import { describe, expect, it } from 'vitest'

import { ApiError, toApiError } from '../src/errors.js'

const limits = { maxBodyBytes: 65536, retryAfterSeconds: 2 }

describe('toApiError', () => {
  it('maps Kafka being unavailable to 503 with Retry-After', () => {
    const error = toApiError(new KafkaUnavailableError('stalled'), limits)
    expect(error).toMatchObject({
      status: 503,
      code: 'kafka_unavailable',
      headers: { 'Retry-After': '2' },
    })
  })

  it('maps the instance registry being unavailable to 503 upstream_unavailable with Retry-After', () => {
    const error = toApiError(new RegistryUnavailableError('Redis failed: closed'), limits)
    expect(error).toMatchObject({
      status: 503,
      code: 'upstream_unavailable',
      message: 'the instance registry is unavailable: Redis failed: closed',
      headers: { 'Retry-After': '2' },
    })
  })

  it('maps a topic Kafka refused to 400 invalid_topic', () => {
    expect(toApiError(new TopicRejectedError('a_b', 'collides'), limits)).toMatchObject({
      status: 400,
      code: 'invalid_topic',
    })
  })

  it.each([
    ['entity.parse.failed', 400, 'invalid_json'],
    ['entity.too.large', 413, 'payload_too_large'],
    ['charset.unsupported', 415, 'unsupported_media_type'],
    ['encoding.unsupported', 415, 'unsupported_media_type'],
  ])('maps body-parser %s to %i %s', (type, status, code) => {
    expect(toApiError(Object.assign(new Error('x'), { type }), limits)).toMatchObject({
      status,
      code,
    })
  })

  it('says how large a body may be', () => {
    expect(toApiError({ type: 'entity.too.large' }, limits)?.message).toContain('65536')
  })

  it('passes ApiErrors through and leaves unknown errors unmapped', () => {
    const apiError = new ApiError(404, 'not_found', 'nothing here')
    expect(toApiError(apiError, limits)).toBe(apiError)
    expect(toApiError(new Error('boom'), limits)).toBeUndefined()
  })
})

describe('toApiError for a path the router cannot decode', () => {
  it('is 400 invalid_request, never a 500', () => {
    expect(toApiError(new URIError('URI malformed'), limits)).toMatchObject({
      status: 400,
      code: 'invalid_request',
    })
  })
})
