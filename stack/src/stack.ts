// The native stack: the same topology as docker-compose.yml — Kafka (KRaft), Redis, N producers,
// M consumers and nginx in front — as supervised local processes on loopback.

import { existsSync, mkdirSync } from 'node:fs'
import { join, relative } from 'node:path'

import { defaultAccessEnv, OPEN_STACK_NOTICE } from './access.js'
import { ensureKafkaDistribution, type KafkaDistribution } from './kafka-distribution.js'
import { prepareKafkaCluster, replicationOf } from './kafka-broker.js'
import { nginxProcess } from './nginx.js'
import { pidFile, reapOrphans } from './orphans.js'
import { REPO_ROOT } from './paths.js'
import { assertPortFree, freePort } from './ports.js'
import { ensureTools } from './prerequisites.js'
import {
  DEFAULT_SCRAPE_INTERVAL_SECONDS,
  GRAFANA_NOTICE,
  prometheusProcess,
  RULES_FILE,
} from './prometheus.js'
import { redisProcess } from './redis.js'
import type { Reporter } from './reporter.js'
import { serviceProcess, type ServiceKind } from './services.js'
import { Supervisor } from './supervisor.js'

export interface StackOptions {
  producers: number
  consumers: number
  /** The entry point's port; 0 picks a free one. */
  port: number
  /** Kafka's client port (the first broker's); 0 picks a free one. */
  kafkaPort: number
  /** Kafka brokers in the cluster (1 unless given); 3 replicate every topic three times. */
  brokers?: number
  /** Where Kafka's data, logs and generated configs live. */
  dataDir: string
  reporter: Reporter
  /** Added to every producer's and consumer's environment. */
  serviceEnv?: Readonly<Record<string, string>>
  /** Extra node flags for every producer and consumer (the bench's --cpu-prof, say). */
  nodeArgs?: readonly string[]
  /** Runs Prometheus too, scraping every producer and consumer and evaluating the alert rules. */
  monitoring?: MonitoringOptions
}

export interface MonitoringOptions {
  /** Prometheus' port; 0 picks a free one. */
  port: number
  /** How often it scrapes and evaluates the rules, in seconds. @default 15 */
  scrapeIntervalSeconds?: number
}

export interface Instance {
  name: string
  kind: ServiceKind
  /** The instance's own address, bypassing nginx. */
  url: string
}

export interface RunningStack {
  /** The entry point: http://127.0.0.1:<port>. */
  url: string
  /** Whether the services run with HERALD_OPEN_ACCESS=true (no access settings were given). */
  open: boolean
  kafkaBrokers: string[]
  redisUrl: string
  kafka: KafkaDistribution
  instances: Instance[]
  supervisor: Supervisor
  /** Where this stack keeps its data and logs. */
  dataDir: string
  /** Prometheus' address, when the stack runs it. */
  prometheusUrl?: string
  stop(): Promise<void>
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { reporter, dataDir } = options
  for (const built of [
    'producer/dist/main.js',
    'consumer/dist/main.js',
    'client/dist/index.html',
  ]) {
    if (!existsSync(join(REPO_ROOT, built))) {
      throw new Error(`${built} is missing; build first with: npm run build`)
    }
  }
  const { monitoring } = options
  const tools = await ensureTools(
    ['java', 'maven', 'redis', 'nginx', ...(monitoring ? (['prometheus'] as const) : [])],
    reporter,
  )
  const kafka = await ensureKafkaDistribution(reporter)

  mkdirSync(dataDir, { recursive: true })
  const leftovers = await reapOrphans(dataDir)
  if (leftovers.length > 0) {
    reporter.warn(`ended ${leftovers.join(', ')} left running by an earlier stack in ${dataDir}`)
  }

  if (options.port !== 0) {
    await assertPortFree(
      options.port,
      'the entry point',
      'choose another with --port or HERALD_PORT',
    )
  }
  if (options.kafkaPort !== 0) {
    await assertPortFree(
      options.kafkaPort,
      'Kafka',
      'choose another with --kafka-port or HERALD_KAFKA_PORT',
    )
  }
  if (monitoring !== undefined && monitoring.port !== 0) {
    await assertPortFree(
      monitoring.port,
      'Prometheus',
      'choose another with --prometheus-port or HERALD_PROMETHEUS_PORT',
    )
  }
  // Never hand out the ports asked for: they are free now only because nothing took them yet.
  const brokerCount = options.brokers ?? 1
  const ports = await distinctFreePorts(
    2 + 2 * brokerCount + options.producers + options.consumers + (monitoring ? 1 : 0),
    [options.port, options.kafkaPort, monitoring?.port ?? 0],
  )
  const take = (): number => ports.pop() as number
  const entryPort = options.port || take()
  const kafkaNodes = Array.from({ length: brokerCount }, (_, i) => ({
    port: (i === 0 && options.kafkaPort) || take(),
    controllerPort: take(),
  }))
  const kafkaBrokers = kafkaNodes.map(({ port }) => `127.0.0.1:${port}`)
  const redisPort = take()
  const redisUrl = `redis://127.0.0.1:${redisPort}`

  const supervisor = new Supervisor(pidFile(dataDir))
  supervisor.on('restarting', (name, reason, delayMs) =>
    reporter.warn(`${name} ${reason}; restarting in ${delayMs} ms`),
  )
  supervisor.on('restarted', (name, pid) => reporter.info(`${name} restarted (pid ${pid})`))

  try {
    // A cluster of another size keeps its data apart: its nodes were formatted for their quorum.
    const nodes = await prepareKafkaCluster({
      distribution: kafka,
      java: tools.java,
      dir: join(dataDir, brokerCount === 1 ? 'kafka' : `kafka-${brokerCount}-brokers`),
      nodes: kafkaNodes,
    })
    const { factor, minInSync } = replicationOf(brokerCount)
    const cluster =
      brokerCount === 1
        ? `Kafka ${kafka.version} on ${kafkaBrokers[0]}`
        : `Kafka ${kafka.version}, ${brokerCount} brokers on ${kafkaBrokers.join(', ')} (replication ${factor}, min.insync.replicas ${minInSync})`
    await reporter.step(`Starting ${cluster}`, () =>
      Promise.all(nodes.map((node) => supervisor.start(node))),
    )
    await supervisor.start(redisProcess(tools.redis, join(dataDir, 'redis'), redisPort))
    reporter.info(`Redis on ${redisUrl}`)

    const accessEnv = defaultAccessEnv(process.env, options.serviceEnv ?? {})
    const open = accessEnv.HERALD_OPEN_ACCESS === 'true'
    if (open) reporter.warn(OPEN_STACK_NOTICE)
    const serviceEnv = {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      REDIS_URL: redisUrl,
      ...accessEnv,
      ...options.serviceEnv,
    }
    const instances: Instance[] = []
    const specs = (['producer', 'consumer'] as const).flatMap((kind) =>
      Array.from(
        { length: kind === 'producer' ? options.producers : options.consumers },
        (_, i) => {
          const port = take()
          instances.push({ name: `${kind}-${i + 1}`, kind, url: `http://127.0.0.1:${port}` })
          return serviceProcess({
            kind,
            index: i + 1,
            port,
            logDir: join(dataDir, 'logs'),
            env: serviceEnv,
            nodeArgs: options.nodeArgs ?? [],
          })
        },
      ),
    )
    await reporter.step(
      `Starting ${options.producers} producers and ${options.consumers} consumers`,
      () => Promise.all(specs.map((spec) => supervisor.start(spec))),
    )
    for (const instance of instances) reporter.info(`${instance.name} on ${instance.url}`)

    const portsOf = (kind: ServiceKind): number[] =>
      instances.filter((i) => i.kind === kind).map((i) => Number(new URL(i.url).port))
    await supervisor.start(
      nginxProcess({
        nginx: tools.nginx,
        dir: join(dataDir, 'nginx'),
        port: entryPort,
        producerPorts: portsOf('producer'),
        consumerPorts: portsOf('consumer'),
      }),
    )
    let prometheusUrl: string | undefined
    if (monitoring !== undefined) {
      const port = monitoring.port || take()
      const scrapeIntervalSeconds =
        monitoring.scrapeIntervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS
      await supervisor.start(
        prometheusProcess({
          prometheus: tools.prometheus,
          dir: join(dataDir, 'prometheus'),
          port,
          targets: instances.map(({ name, kind, url }) => ({
            name,
            kind,
            address: new URL(url).host,
          })),
          scrapeIntervalSeconds,
        }),
      )
      prometheusUrl = `http://127.0.0.1:${port}`
      reporter.info(
        `Prometheus on ${prometheusUrl}: ${instances.length} instances scraped every ${scrapeIntervalSeconds} s, alert rules from ${relative(REPO_ROOT, RULES_FILE)}`,
      )
      reporter.info(GRAFANA_NOTICE)
    }
    return {
      url: `http://127.0.0.1:${entryPort}`,
      open,
      kafkaBrokers,
      redisUrl,
      kafka,
      instances,
      supervisor,
      dataDir,
      ...(prometheusUrl ? { prometheusUrl } : {}),
      stop: () => supervisor.stopAll(),
    }
  } catch (error) {
    await supervisor.stopAll()
    throw error
  }
}

/** `count` free ports, no two alike, none of `reserved`. */
async function distinctFreePorts(count: number, reserved: readonly number[]): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) {
    const port = await freePort()
    if (!reserved.includes(port)) ports.add(port)
  }
  return [...ports]
}
