// Entry point: wires Kafka into the HTTP app, listens, and drains on SIGTERM.

import { TokenVerifier } from '@herald/shared/access'
import {
  createKafkaClient,
  GroupLagReader,
  KafkaLogReader,
  KafkaPublisher,
  readDeadLetters,
  TopicAdmin,
} from '@herald/shared/kafka'
import { WindowLimiter } from '@herald/shared/limits'
import {
  createLogger,
  createServiceMetrics,
  onShutdownSignal,
  readInstances,
  reportInstance,
} from '@herald/shared/service'
import { Redis } from 'ioredis'
import { once } from 'node:events'

import { createProducerApp, OPEN_ACCESS_WARNING } from './app.js'
import { readProducerConfig } from './config.js'
import { createProducerMetrics } from './metrics.js'
import { publishLimits } from './publish-limits.js'
import { createTopicAnnouncer } from './topic-announcer.js'

const config = readProducerConfig(process.env)
const logger = createLogger(config.instance, config.logLevel)
if (config.access.open) logger.warn(OPEN_ACCESS_WARNING)

// Limits are checked on every request: fail fast (and let the request through) while Redis is
// away, rather than queue each request behind a reconnect.
const limitsRedis = new Redis(config.redisUrl, {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
})
limitsRedis.on('error', (error: Error) => logger.debug({ err: error }, 'limits redis error'))
const limits = publishLimits(
  new WindowLimiter(limitsRedis, { prefix: 'herald:limit:', logger }),
  config,
)

const kafka = createKafkaClient(
  {
    brokers: config.kafkaBrokers,
    clientId: config.instance,
    topicPrefix: config.topicPrefix,
    requestTimeoutMs: config.publishTimeoutMs,
  },
  logger,
)
const announcer = createTopicAnnouncer(config.redisUrl, config.topicPrefix, logger)
const admin = new TopicAdmin(
  kafka,
  {
    topicPrefix: config.topicPrefix,
    partitions: config.topicPartitions,
    replicationFactor: config.topicReplicationFactor,
    onCreated: (topics) => announcer.announce(topics),
  },
  logger,
)
const publisher = new KafkaPublisher(
  kafka,
  admin,
  {
    topicPrefix: config.topicPrefix,
    timeoutMs: config.publishTimeoutMs,
    reconnectDelayMs: 1000,
    lingerMs: config.publishLingerMs,
  },
  logger,
)

const reader = new KafkaLogReader(
  kafka,
  { topicPrefix: config.topicPrefix, readTimeoutMs: config.publishTimeoutMs },
  logger,
)

// The operator API reads the consumers' group as Kafka sees it: the producer is not a member.
const groupLagReader = new GroupLagReader(kafka, {
  groupId: config.groupId,
  topicPrefix: config.topicPrefix,
  ignoredTopics: [config.deadLetterTopic],
})

const serviceMetrics = createServiceMetrics()
const producerMetrics = createProducerMetrics(serviceMetrics)

let draining = false
const app = createProducerApp({
  publisher: producerMetrics.instrument(publisher),
  topics: { admin, reader },
  operator: {
    instances: () => readInstances(limitsRedis),
    groupLag: () => groupLagReader.readPartitions(),
    deadLetters: (limit) => readDeadLetters(reader, admin, config.deadLetterTopic, limit),
  },
  verifier: config.access.open ? undefined : new TokenVerifier(config.access.tokens),
  limits,
  config,
  logger,
  metrics: { service: serviceMetrics, producer: producerMetrics },
  isDraining: () => draining,
})
const server = app.listen(config.port, config.host)
// nginx keeps upstream connections open for up to 60 s; never close one first, or a request sent
// on it at that moment fails.
server.keepAliveTimeout = 65_000
await once(server, 'listening')
const address = server.address()
const port = typeof address === 'object' && address !== null ? address.port : config.port
logger.info({ host: config.host, port }, 'listening')

void publisher.connect()

// The operator API's view of this instance: one SET every interval, on the fail-fast connection.
const registry = reportInstance(limitsRedis, {
  name: config.instance,
  intervalMs: config.instanceReportMs,
  status: () => ({ role: 'producer', ready: publisher.connected && !draining }),
  logger,
})

onShutdownSignal(
  async () => {
    draining = true
    await registry.stop()
    // Stop accepting, answer what is in flight, then let Kafka go. A keep-alive connection that
    // finishes its last request becomes idle later; close those as they appear.
    const closed = new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    )
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50)
    await closed.finally(() => clearInterval(closeIdle))
    await reader.stop()
    await groupLagReader.close()
    await admin.disconnect()
    await publisher.disconnect()
    await announcer.close()
    limitsRedis.disconnect()
  },
  { logger, timeoutMs: config.shutdownTimeoutMs },
)
