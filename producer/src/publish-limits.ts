// The producer's limits, counted in Redis so that every producer instance shares them: how many
// notifications a caller publishes per second, and how many topics it (and everyone together)
// creates per hour. Over a limit is `429 rate_limited` with `Retry-After`.

import type { WindowLimiter } from '@herald/shared/limits'

import { callerName, type Caller } from './callers.js'
import type { ProducerConfig } from './config.js'
import { ApiError } from './errors.js'

const HOUR_MS = 3_600_000

export interface PublishLimits {
  /** 429 unless the caller may publish `count` more notifications now. */
  publish(caller: Caller, count: number): Promise<void>
  /** 429 unless the caller (and everyone together) may create one more topic now. */
  createTopic(caller: Caller): Promise<void>
}

export type LimitSettings = Pick<
  ProducerConfig,
  | 'publishRateLimit'
  | 'publishRateWindowMs'
  | 'topicCreationsPerCallerLimit'
  | 'topicCreationsLimit'
>

export function publishLimits(limiter: WindowLimiter, settings: LimitSettings): PublishLimits {
  const take = async (
    bucket: string,
    limit: number,
    windowMs: number,
    cost: number,
    what: string,
  ): Promise<void> => {
    const verdict = await limiter.take(bucket, limit, windowMs, cost)
    if (verdict.allowed) return
    const seconds = Math.ceil(verdict.retryAfterMs / 1000)
    throw new ApiError(429, 'rate_limited', `${what}; retry in ${seconds} s`, {
      'Retry-After': String(seconds),
    })
  }
  return {
    async publish(caller, count) {
      const name = callerName(caller)
      const limit =
        (caller.kind === 'key' ? caller.key.publishRate : undefined) ?? settings.publishRateLimit
      const per = perWindow(settings.publishRateWindowMs)
      if (count > limit) {
        // Never admissible, so no Retry-After would help: 413 would mislead, 429 says "smaller".
        throw new ApiError(
          429,
          'rate_limited',
          `${count} notifications at once exceed "${name}"'s limit of ${limit} ${per}`,
          { 'Retry-After': String(Math.ceil(settings.publishRateWindowMs / 1000)) },
        )
      }
      await take(
        `publish:${name}`,
        limit,
        settings.publishRateWindowMs,
        count,
        `"${name}" may publish ${limit} notifications ${per}`,
      )
    },
    async createTopic(caller) {
      const name = callerName(caller)
      await take(
        `topics:${name}`,
        settings.topicCreationsPerCallerLimit,
        HOUR_MS,
        1,
        `"${name}" may create ${settings.topicCreationsPerCallerLimit} topics per hour`,
      )
      await take(
        'topics:*',
        settings.topicCreationsLimit,
        HOUR_MS,
        1,
        `herald creates at most ${settings.topicCreationsLimit} topics per hour`,
      )
    },
  }
}

function perWindow(windowMs: number): string {
  return windowMs === 1000 ? 'per second' : `per ${windowMs} ms`
}
