// Concurrency limits shared by every instance: how many sockets one token subject, or one client
// address, holds at once across all consumers. Each bucket is a sorted set in Redis of the sockets
// holding a slot, scored by when their lease ends; the instance holding a socket renews its lease,
// so the slots of an instance that died free themselves within one lease.

import type { Redis } from 'ioredis'

import { failOpen, type FailOpenOptions } from './fail-open.js'

// Redis's own clock, so instances with skewed clocks agree on which leases ended.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`

/** KEYS: the buckets; ARGV: holder, lease ms, then each bucket's limit. 0, or the full bucket's index. */
const ACQUIRE = `${NOW}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if not redis.call('ZSCORE', key, ARGV[1]) and redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', key, ARGV[2])
end
return 0`

const RENEW = `${NOW}
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', key, ARGV[2])
end
return 0`

type SlotCommand = (keyCount: number, ...args: (string | number)[]) => Promise<number>

export interface SlotRequest {
  /** Names the bucket, e.g. `subject:alice`. */
  bucket: string
  limit: number
}

export interface SlotLimiterOptions extends FailOpenOptions {
  prefix: string
  /** How long a slot stays held without renewal. @default 60_000 */
  leaseMs?: number
}

export class SlotLimiter {
  readonly #redis: Redis
  readonly #acquire: SlotCommand
  readonly #renew: SlotCommand
  readonly #prefix: string
  readonly #leaseMs: number
  readonly #options: FailOpenOptions
  /** The buckets of every slot this instance holds, by holder. */
  readonly #held = new Map<string, string[]>()
  readonly #renewals: NodeJS.Timeout

  /** `redis` should not queue commands while disconnected (`enableOfflineQueue: false`). */
  constructor(redis: Redis, { prefix, leaseMs = 60_000, ...options }: SlotLimiterOptions) {
    redis.defineCommand('heraldSlotAcquire', { lua: ACQUIRE })
    redis.defineCommand('heraldSlotRenew', { lua: RENEW })
    const commands = redis as unknown as Record<string, SlotCommand>
    this.#acquire = (commands.heraldSlotAcquire as SlotCommand).bind(redis)
    this.#renew = (commands.heraldSlotRenew as SlotCommand).bind(redis)
    this.#redis = redis
    this.#prefix = prefix
    this.#leaseMs = leaseMs
    this.#options = options
    this.#renewals = setInterval(() => this.#renewAll(), leaseMs / 3)
    this.#renewals.unref()
  }

  /**
   * Takes a slot in every bucket for `holder`, or none: resolves with the first full bucket's
   * request, or undefined when the slots are held (or Redis could not be asked).
   */
  async acquire(
    holder: string,
    requests: readonly SlotRequest[],
  ): Promise<SlotRequest | undefined> {
    const keys = requests.map(({ bucket }) => `${this.#prefix}${bucket}`)
    const full = await failOpen(
      this.#acquire(keys.length, ...keys, holder, this.#leaseMs, ...requests.map((r) => r.limit)),
      this.#options,
    )
    if (full === undefined || full === 0) {
      this.#held.set(holder, keys)
      return undefined
    }
    return requests[full - 1]
  }

  /** Gives the holder's slots back. */
  release(holder: string): void {
    const keys = this.#held.get(holder)
    if (keys === undefined) return
    this.#held.delete(holder)
    for (const key of keys) void this.#redis.zrem(key, holder).catch(() => undefined)
  }

  close(): void {
    clearInterval(this.#renewals)
  }

  #renewAll(): void {
    for (const [holder, keys] of this.#held) {
      void this.#renew(keys.length, ...keys, holder, this.#leaseMs).catch(() => undefined)
    }
  }
}
