// A single-node KRaft Kafka broker (controller and broker in one JVM) run from Apache Kafka's jars.

import { createKafkaClient, TopicAdmin } from '@herald/shared/kafka'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { pino } from 'pino'

import { runCommand } from './commands.js'
import type { KafkaDistribution } from './kafka-distribution.js'
import type { ProcessSpec } from './supervisor.js'

export interface KafkaBrokerOptions {
  distribution: KafkaDistribution
  java: string
  /** Holds the broker's config, its log segments and its process log. */
  dir: string
  port: number
  controllerPort: number
}

/** Writes the config, formats the log directory on first use, and returns the process to run. */
export async function prepareKafkaBroker(options: KafkaBrokerOptions): Promise<ProcessSpec> {
  const { distribution, java, dir, port, controllerPort } = options
  const dataDir = join(dir, 'data')
  mkdirSync(dataDir, { recursive: true })
  const serverProperties = join(dir, 'server.properties')
  const log4jProperties = join(dir, 'log4j2.properties')
  writeFileSync(serverProperties, brokerProperties(dataDir, port, controllerPort))
  writeFileSync(log4jProperties, LOG4J_PROPERTIES)
  const jvm = ['-cp', distribution.classpath, `-Dlog4j2.configurationFile=file:${log4jProperties}`]

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    await runCommand(java, [
      ...jvm,
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '--cluster-id',
      clusterId(),
      '--config',
      serverProperties,
    ])
  }

  const brokers = [`127.0.0.1:${port}`]
  return {
    name: 'kafka',
    command: java,
    // A small heap is plenty for one developer's broker and leaves the cores to herald.
    args: ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', ...jvm, 'kafka.Kafka', serverProperties],
    logFile: join(dir, 'kafka.log'),
    probe: () => kafkaAnswers(brokers),
    readyTimeoutMs: 60_000,
    // Controlled shutdown flushes the log; it takes a few seconds.
    stopTimeoutMs: 20_000,
  }
}

function brokerProperties(dataDir: string, port: number, controllerPort: number): string {
  return `# Written by the herald native stack on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
# One broker: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# herald creates its topics itself, with its own partition count.
auto.create.topics.enable=false
# A consumer joining the group starts at once instead of waiting 3 s for others.
group.initial.rebalance.delay.ms=0
`
}

/** Kafka logs (Log4j 2) at WARN except its start/stop milestones, which the stack's log shows. */
const LOG4J_PROPERTIES = `status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.broker.name = kafka.server.BrokerServer
logger.broker.level = INFO
logger.controller.name = kafka.server.ControllerServer
logger.controller.level = INFO
logger.main.name = kafka.Kafka$
logger.main.level = INFO
`

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. Like Kafka's own, never
 * one starting with "-", which the storage tool would read as an option (1 id in 64 does).
 */
export function clusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

const quiet = pino({ level: 'silent' })

/** True once the broker answers a metadata request. */
async function kafkaAnswers(brokers: readonly string[]): Promise<boolean> {
  const kafka = createKafkaClient(
    { brokers, clientId: 'herald-stack-probe', topicPrefix: '', requestTimeoutMs: 2000 },
    quiet,
  )
  const admin = new TopicAdmin(
    kafka,
    { topicPrefix: '', partitions: 1, replicationFactor: -1 },
    quiet,
  )
  try {
    await admin.listTopics()
    return true
  } catch {
    return false
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}
