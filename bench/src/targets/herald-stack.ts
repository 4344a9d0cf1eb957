// The herald under test: a native stack the bench starts with startStack (Kafka, Redis, nginx,
// producers, consumers), or a stack already running that the command line points at.

import { hashKey, signToken } from '@herald/shared/access'
import {
  consoleReporter,
  reapOrphans,
  startStack,
  UNLIMITED_ENV,
  type RunningStack,
} from '@herald/stack'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import type { Watched } from '../monitor/cpu-sampler.js'
import { nameProfiles } from '../monitor/profiles.js'
import type { BenchOptions } from '../options.js'
import { BENCH_DATA_ROOT } from '../paths.js'
import { consumerControl, type ConsumerControl } from './consumer-control.js'

/**
 * herald's Kafka topics get this prefix, so that its consumers never read what the baselines write
 * to the same broker (README › Configuration: the prefix namespaces herald in a shared cluster).
 */
export const HERALD_TOPIC_PREFIX = 'herald.'
/** Named, not left to the consumers' default: Kafka's own tools describe the group by it. */
export const HERALD_CONSUMER_GROUP = 'herald-consumers'

export interface HeraldTarget {
  /** `2 producers, 2 consumers` or `running stack`. */
  label: string
  url: string
  kafkaBrokers: string[]
  /** Prepended to herald's topic names in Kafka. */
  topicPrefix: string
  /** The consumers' own Socket.IO origins, bypassing nginx; empty for a running stack. */
  consumerOrigins: string[]
  /** SIGTERM and restart of one consumer; absent for a running stack. */
  consumers?: ConsumerControl
  /** A stack with access on: the publisher key and subscriber token every load uses. */
  credentials?: { publisherKey: string; token: string }
  /** How it was started, for the results file. */
  description: Record<string, unknown>
  /** Its processes now (a restarted one has a new pid): for CPU and memory. */
  watched(): Watched[]
  stop(): Promise<void>
}

/** Access on: one publisher key for every load, one token for every subscriber. */
const BENCH_KEY = 'hk_bench_publisher_key_0000000000001'
const BENCH_SECRET = 'bench-token-secret-of-at-least-32-bytes'

export async function startHeraldStack(
  options: BenchOptions,
  producers: number,
  profilesDir: string,
  { keys = false }: { keys?: boolean } = {},
): Promise<HeraldTarget> {
  // One folder per stack shape: a bench that was killed left its pids there, and they end here.
  const dataDir = join(BENCH_DATA_ROOT, `stack-${producers}p${keys ? '-keys' : ''}`)
  await reapOrphans(dataDir)
  rmSync(dataDir, { recursive: true, force: true })
  const accessEnv: Record<string, string> = keys
    ? {
        HERALD_PUBLISHER_KEYS: JSON.stringify([
          { name: 'bench', sha256: hashKey(BENCH_KEY), publish: ['*'], createTopics: true },
        ]),
        HERALD_TOKEN_SECRET: BENCH_SECRET,
      }
    : { HERALD_OPEN_ACCESS: 'true' }
  const serviceEnv = {
    HERALD_TOPIC_PREFIX,
    HERALD_CONSUMER_GROUP,
    // Always set, so that the results file says what ran (and not the shell's environment).
    HERALD_WRITE_INTERVAL_MS: String(options.writeIntervalMs),
    ...UNLIMITED_ENV,
    ...accessEnv,
  }
  const nodeArgs = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profilesDir] : []
  if (options.cpuProf) mkdirSync(profilesDir, { recursive: true })
  const reporter = consoleReporter((line) => process.stdout.write(`  ${line}\n`))
  const stack = await startStack({
    producers,
    consumers: options.consumers,
    port: 0,
    kafkaPort: 0,
    dataDir,
    reporter,
    serviceEnv,
    nodeArgs,
  })
  const label = `${producers} producer${producers === 1 ? '' : 's'}, ${options.consumers} consumer${options.consumers === 1 ? '' : 's'}${keys ? ', keys on' : ''}`
  const credentials = keys
    ? {
        publisherKey: BENCH_KEY,
        token: await signToken(BENCH_SECRET, {
          subject: 'bench',
          watch: ['*'],
          ttlSeconds: 86_400,
        }),
      }
    : undefined
  return {
    label,
    ...(credentials === undefined ? {} : { credentials }),
    url: stack.url,
    kafkaBrokers: stack.kafkaBrokers,
    topicPrefix: HERALD_TOPIC_PREFIX,
    consumerOrigins: stack.instances.filter((i) => i.kind === 'consumer').map((i) => i.url),
    consumers: consumerControl(stack, HERALD_CONSUMER_GROUP),
    description: { label, producers, consumers: options.consumers, serviceEnv, nodeArgs, dataDir },
    watched: () => watchedOf(stack),
    async stop() {
      const pids = new Map(watchedOf(stack).map(({ name, pid }) => [pid, name]))
      await stack.stop()
      if (options.cpuProf) nameProfiles(profilesDir, pids, `${producers}p`)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function runningStack(external: NonNullable<BenchOptions['external']>): HeraldTarget {
  return {
    label: 'running stack',
    url: external.url,
    kafkaBrokers: external.kafkaBrokers,
    // Unless it was started with one: README › Configuration.
    topicPrefix: '',
    consumerOrigins: [],
    description: { label: 'running stack', ...external },
    watched: () => [],
    stop: () => Promise.resolve(),
  }
}

function watchedOf(stack: RunningStack): Watched[] {
  return stack.supervisor.names().flatMap((name) => {
    const pid = stack.supervisor.pid(name)
    return pid === undefined ? [] : [{ name, pid, withChildren: name === 'nginx' }]
  })
}
