// Which instances are alive and how they are doing, for the operator API: every producer and
// consumer writes its status to `herald:instance:<name>` in Redis on a timer, with an expiry of
// three reports, and deletes it when it stops. A key that expired is an instance that died. Never
// written per record or per socket event: one SET per instance per interval.

import type { Redis } from 'ioredis'
import type { Logger } from 'pino'

import type { EnvReader } from '../env.js'

export const INSTANCE_KEY_PREFIX = 'herald:instance:'

/** A status older than this many reports is stale (and its key has expired). */
const REPORTS_TO_EXPIRY = 3

/** HERALD_INSTANCE_REPORT_MS, read by each service's config: how often it reports (2 s). */
export function readInstanceReportMs(read: EnvReader): number {
  return read.int('HERALD_INSTANCE_REPORT_MS', 2000, { min: 100, max: 60_000 })
}

interface InstanceBase {
  name: string
  ready: boolean
  /** Epoch ms. */
  startedAt: number
  /** Epoch ms of this report. */
  seenAt: number
  rssBytes: number
  heapUsedBytes: number
  /** How often the instance reports, in ms. */
  reportMs: number
}

export interface ProducerStatus extends InstanceBase {
  role: 'producer'
}

export interface ConsumerStatus extends InstanceBase {
  role: 'consumer'
  connections: number
  subscriptions: number
  topics: number
  partitions: number
  lagRecords: number
  paused: 'outbound' | 'redis' | null
  behind: boolean
  deadLetters: number
  slowConsumersCut: number
  /** The partitions it holds, `<herald topic>:<partition>`. */
  held: string[]
}

export type InstanceStatus = ProducerStatus | ConsumerStatus

type Filled = 'name' | 'startedAt' | 'seenAt' | 'rssBytes' | 'heapUsedBytes' | 'reportMs'
/** What an instance says of itself; the reporter adds its name, times and memory. */
export type OwnStatus = InstanceStatus extends infer T
  ? T extends InstanceStatus
    ? Omit<T, Filled>
    : never
  : never

const BASE_NUMBERS = ['startedAt', 'seenAt', 'rssBytes', 'heapUsedBytes', 'reportMs'] as const
const CONSUMER_NUMBERS = [
  'connections',
  'subscriptions',
  'topics',
  'partitions',
  'lagRecords',
  'deadLetters',
  'slowConsumersCut',
] as const

export function encodeInstanceStatus(status: InstanceStatus): string {
  return JSON.stringify(status)
}

/** The status a key held, or undefined for anything that is not one (another version, garbage). */
export function decodeInstanceStatus(text: string): InstanceStatus | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const status = value as Record<string, unknown>
  const numbers = (names: readonly string[]): boolean =>
    names.every((name) => typeof status[name] === 'number' && Number.isFinite(status[name]))
  if (typeof status.name !== 'string' || typeof status.ready !== 'boolean') return undefined
  if (!numbers(BASE_NUMBERS)) return undefined
  if (status.role === 'producer') return status as unknown as ProducerStatus
  if (status.role !== 'consumer' || !numbers(CONSUMER_NUMBERS)) return undefined
  if (typeof status.behind !== 'boolean') return undefined
  if (status.paused !== null && status.paused !== 'outbound' && status.paused !== 'redis')
    return undefined
  if (!Array.isArray(status.held) || !status.held.every((entry) => typeof entry === 'string'))
    return undefined
  return status as unknown as ConsumerStatus
}

export interface InstanceReporterOptions {
  name: string
  intervalMs: number
  /** Asked at every report. */
  status: () => OwnStatus
  logger: Logger
}

export interface InstanceReporter {
  /** Stops reporting and deletes the key: the instance is gone on purpose. */
  stop: () => Promise<void>
}

/** Writes this instance's status every interval (the first at once) until `stop`. */
export function reportInstance(
  redis: Pick<Redis, 'set' | 'del'>,
  { name, intervalMs, status, logger }: InstanceReporterOptions,
): InstanceReporter {
  const key = `${INSTANCE_KEY_PREFIX}${name}`
  const startedAt = Date.now()
  let failing = false
  let stopped = false
  let writing: Promise<unknown> = Promise.resolve()
  const report = (): void => {
    const { rss, heapUsed } = process.memoryUsage()
    const text = encodeInstanceStatus({
      ...status(),
      name,
      startedAt,
      seenAt: Date.now(),
      rssBytes: rss,
      heapUsedBytes: heapUsed,
      reportMs: intervalMs,
    })
    writing = redis.set(key, text, 'PX', REPORTS_TO_EXPIRY * intervalMs).then(
      () => {
        if (failing) logger.info('reporting this instance to the registry again')
        failing = false
      },
      (error: unknown) => {
        // Once per outage: Redis being away is logged elsewhere too.
        if (!failing) logger.warn({ err: error }, 'could not report this instance to the registry')
        failing = true
      },
    )
  }
  report()
  const timer = setInterval(() => {
    if (!stopped) report()
  }, intervalMs).unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await writing
      await redis.del(key).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not remove this instance from the registry')
      })
    },
  }
}

/** Most keys one SCAN step looks at: instances are tens, so a read is a step or two. */
const SCAN_COUNT = 100

/** How long a read of the registry may take before it is given up (an operator waits on it). */
const REGISTRY_READ_TIMEOUT_MS = 2000

/** Redis could not be read (an error, or no answer in time): the registry cannot say who is alive. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError'
}

/**
 * Every instance alive now, sorted by role then name. Alive is what Redis says: a key expires
 * three reports after it was written. `seenAt` is not compared with this host's clock: another
 * host's clock may be seconds off, and a live instance would vanish from the page. Throws
 * RegistryUnavailableError when Redis fails or takes longer than `timeoutMs` (a stalled Redis
 * holds commands without failing them).
 */
export async function readInstances(
  redis: Pick<Redis, 'scan' | 'mget'>,
  timeoutMs = REGISTRY_READ_TIMEOUT_MS,
): Promise<InstanceStatus[]> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new RegistryUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([scanInstances(redis), late])
  } catch (error) {
    if (error instanceof RegistryUnavailableError) throw error
    throw new RegistryUnavailableError(`Redis failed: ${(error as Error).message}`, {
      cause: error,
    })
  } finally {
    clearTimeout(timer)
  }
}

async function scanInstances(redis: Pick<Redis, 'scan' | 'mget'>): Promise<InstanceStatus[]> {
  const keys = new Set<string>()
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(
      cursor,
      'MATCH',
      `${INSTANCE_KEY_PREFIX}*`,
      'COUNT',
      SCAN_COUNT,
    )
    for (const key of found) keys.add(key)
    cursor = next
  } while (cursor !== '0')
  if (keys.size === 0) return []
  const texts = await redis.mget(...keys)
  return texts
    .map((text) => (text === null ? undefined : decodeInstanceStatus(text)))
    .filter((status): status is InstanceStatus => status !== undefined)
    .sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name))
}
