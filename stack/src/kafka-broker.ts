// A KRaft Kafka cluster run from Apache Kafka's jars: one node, or several (each controller and
// broker in one JVM, the controllers a static quorum), every node its own supervised process.

import { createKafkaClient, TopicAdmin } from '@herald/shared/kafka'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { pino } from 'pino'

import { runCommand } from './commands.js'
import type { KafkaDistribution } from './kafka-distribution.js'
import type { ProcessSpec } from './supervisor.js'

export interface KafkaNodePorts {
  port: number
  controllerPort: number
}

export interface KafkaClusterOptions {
  distribution: KafkaDistribution
  java: string
  /** Holds each node's config, log segments and process log (one folder per node past one). */
  dir: string
  /** One entry per node. */
  nodes: readonly KafkaNodePorts[]
}

/**
 * How a cluster of `nodes` replicates: three copies once there are three brokers, and a write
 * acknowledged by all in-sync replicas needs two of them, so one broker may die without a loss
 * or a stop. One broker has one copy, and nothing to wait for.
 */
export function replicationOf(nodes: number): { factor: number; minInSync: number } {
  const factor = Math.min(nodes, 3)
  return { factor, minInSync: Math.max(1, factor - 1) }
}

/** The process name of node `id` (from 1) in a cluster of `nodes`. */
export const kafkaNodeName = (id: number, nodes: number): string =>
  nodes === 1 ? 'kafka' : `kafka-${id}`

/** Writes each node's config, formats its log directory on first use, and returns the processes. */
export async function prepareKafkaCluster(options: KafkaClusterOptions): Promise<ProcessSpec[]> {
  const { distribution, java, dir, nodes } = options
  mkdirSync(dir, { recursive: true })
  const id = sharedClusterId(dir)
  const voters = nodes.map(({ controllerPort }, i) => `${i + 1}@127.0.0.1:${controllerPort}`)
  const brokers = nodes.map(({ port }) => `127.0.0.1:${port}`)
  return Promise.all(
    nodes.map(async ({ port, controllerPort }, i) => {
      const nodeId = i + 1
      const nodeDir = nodes.length === 1 ? dir : join(dir, `node-${nodeId}`)
      const dataDir = join(nodeDir, 'data')
      mkdirSync(dataDir, { recursive: true })
      const serverProperties = join(nodeDir, 'server.properties')
      const log4jProperties = join(nodeDir, 'log4j2.properties')
      writeFileSync(
        serverProperties,
        nodeProperties({ nodeId, dataDir, port, controllerPort, voters, nodes: nodes.length }),
      )
      writeFileSync(log4jProperties, LOG4J_PROPERTIES)
      const jvm = [
        '-cp',
        distribution.classpath,
        `-Dlog4j2.configurationFile=file:${log4jProperties}`,
      ]
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        await runCommand(java, [
          ...jvm,
          'kafka.tools.StorageTool',
          'format',
          '--ignore-formatted',
          '--cluster-id',
          id,
          '--config',
          serverProperties,
        ])
      }
      return {
        name: kafkaNodeName(nodeId, nodes.length),
        command: java,
        // A small heap is plenty for a developer's broker and leaves the cores to herald.
        args: ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', ...jvm, 'kafka.Kafka', serverProperties],
        logFile: join(nodeDir, 'kafka.log'),
        // A node of a cluster answers once a quorum of controllers runs: start them all at once.
        probe: () => kafkaAnswers([brokers[i] as string]),
        readyTimeoutMs: 90_000,
        // Controlled shutdown flushes the log and hands leadership over; it takes a few seconds.
        stopTimeoutMs: 20_000,
      }
    }),
  )
}

/** The cluster id every node of `dir` is formatted with: made once, kept beside them. */
function sharedClusterId(dir: string): string {
  const file = join(dir, 'cluster-id')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const id = clusterId()
  writeFileSync(file, `${id}\n`)
  return id
}

interface NodeSettings {
  nodeId: number
  dataDir: string
  port: number
  controllerPort: number
  voters: readonly string[]
  nodes: number
}

function nodeProperties(node: NodeSettings): string {
  const { factor, minInSync } = replicationOf(node.nodes)
  return `# Written by the herald native stack on every start; edits are overwritten.
process.roles=broker,controller
node.id=${node.nodeId}
controller.quorum.voters=${node.voters.join(',')}
listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${node.dataDir}
# ${node.nodes} broker(s): ${factor} replica(s) of every topic, ${minInSync} in sync to acknowledge a write.
offsets.topic.replication.factor=${factor}
transaction.state.log.replication.factor=${factor}
transaction.state.log.min.isr=${minInSync}
default.replication.factor=${factor}
min.insync.replicas=${minInSync}
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
