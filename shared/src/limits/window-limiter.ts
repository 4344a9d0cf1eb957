// Rate limits shared by every instance: one counter per bucket in Redis, over a fixed window that
// starts at the bucket's first hit, so `--scale producer=3` still allows one limit, not three.
// A request over the limit is not counted, so a client that backs off gets through as soon as the
// window allows. Redis out of reach fails open (the limits protect the service; they must not be
// what takes it down) and says so in the log.

import type { Redis } from 'ioredis'

import { failOpen, type FailOpenOptions } from './fail-open.js'

export interface WindowVerdict {
  allowed: boolean
  /** When the window ends: how long a refused client should wait. */
  retryAfterMs: number
}

const TAKE = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if n > tonumber(ARGV[3]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return {0, ttl}
end
return {1, ttl}
`

type TakeCommand = (
  key: string,
  cost: number,
  windowMs: number,
  limit: number,
) => Promise<[number, number]>

export class WindowLimiter {
  readonly #take: TakeCommand
  readonly #prefix: string
  readonly #options: FailOpenOptions

  /** `redis` should not queue commands while disconnected (`enableOfflineQueue: false`). */
  constructor(redis: Redis, { prefix, ...options }: { prefix: string } & FailOpenOptions) {
    redis.defineCommand('heraldWindowTake', { numberOfKeys: 1, lua: TAKE })
    const command = (redis as unknown as Record<string, TakeCommand>)
      .heraldWindowTake as TakeCommand
    this.#take = command.bind(redis)
    this.#prefix = prefix
    this.#options = options
  }

  /** Counts `cost` against `bucket`'s `limit` per `windowMs`, unless that would exceed it. */
  async take(bucket: string, limit: number, windowMs: number, cost = 1): Promise<WindowVerdict> {
    const answer = await failOpen(
      this.#take(`${this.#prefix}${bucket}`, cost, windowMs, limit),
      this.#options,
    )
    if (answer === undefined) return { allowed: true, retryAfterMs: 0 }
    return { allowed: answer[0] === 1, retryAfterMs: Math.max(1, answer[1]) }
  }
}
