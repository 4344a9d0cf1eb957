// Entry point: Redis adapter, Kafka subscription (once per process), Socket.IO server; drains on
// SIGTERM.

import { createAdapter } from '@socket.io/redis-adapter'
import {
  createKafkaClient,
  GroupLagReader,
  KafkaLogReader,
  KafkaPublisher,
  KafkaSubscriber,
  TopicAdmin,
} from '@herald/shared/kafka'
import { decodeTopicAnnouncement, topicAnnouncementChannel } from '@herald/shared'
import { TokenVerifier } from '@herald/shared/access'
import { SlotLimiter } from '@herald/shared/limits'
import {
  createLogger,
  createServiceMetrics,
  onShutdownSignal,
  reportInstance,
} from '@herald/shared/service'
import { Redis } from 'ioredis'
import { once } from 'node:events'

import { createConsumerApp, OPEN_ACCESS_WARNING } from './app.js'
import { readConsumerConfig } from './config.js'
import { DeadLetters } from './dead-letters.js'
import { watchGroupLag } from './group-lag-watch.js'
import { RoomDirectory, roomDirectoryChannel } from './room-directory.js'

const config = readConsumerConfig(process.env)
const logger = createLogger(config.instance, config.logLevel)
if (config.access.open) logger.warn(OPEN_ACCESS_WARNING)

// ioredis reconnects by itself and queues commands meanwhile; /readyz reports when it is down.
// A Kafka batch becomes one PUBLISH per record, all in one tick: auto-pipelining sends them in one
// write (in order) instead of one system call each; it halved the time an ingest profile showed
// the consumer writing to Redis.
const redisPub = new Redis(config.redisUrl, {
  maxRetriesPerRequest: null,
  enableAutoPipelining: true,
})
const redisSub = redisPub.duplicate({ enableAutoPipelining: false })
// Producers announce the topics they create here; the adapter's subscriber stays its own.
const redisAnnouncements = redisPub.duplicate({ enableAutoPipelining: false })
// Which rooms the other instances have sockets in: its own subscriber, announcements on redisPub.
const redisRooms = redisPub.duplicate({ enableAutoPipelining: false })
// Socket limits are checked on every handshake: fail fast (and admit the socket) while Redis is
// away, rather than queue each handshake behind a reconnect.
const redisLimits = redisPub.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 1 })
const slots = new SlotLimiter(redisLimits, { prefix: 'herald:sockets:', logger })
for (const [role, client] of [
  ['pub', redisPub],
  ['sub', redisSub],
  ['announcements', redisAnnouncements],
  ['rooms', redisRooms],
  ['limits', redisLimits],
] as const) {
  client.on('error', (error: Error) => logger.warn({ err: error, role }, 'redis error'))
}

const kafka = createKafkaClient(
  {
    brokers: config.kafkaBrokers,
    clientId: config.instance,
    topicPrefix: config.topicPrefix,
    requestTimeoutMs: 5000,
  },
  logger,
)
const admin = new TopicAdmin(
  kafka,
  { topicPrefix: config.topicPrefix, partitions: 1, replicationFactor: -1 },
  logger,
)

const reader = new KafkaLogReader(
  kafka,
  { topicPrefix: config.topicPrefix, readTimeoutMs: 5000 },
  logger,
)
const deadLetterPublisher = new KafkaPublisher(
  kafka,
  admin,
  { topicPrefix: config.topicPrefix, timeoutMs: 5000, reconnectDelayMs: 1000 },
  logger,
)

const groupLagReader = new GroupLagReader(kafka, {
  groupId: config.groupId,
  topicPrefix: config.topicPrefix,
  ignoredTopics: [config.deadLetterTopic],
})
const groupLag = watchGroupLag(() => groupLagReader.read(), {
  intervalMs: config.groupLagIntervalMs,
  logger,
})

const roomChannel = roomDirectoryChannel(config.topicPrefix)
const roomDirectory = new RoomDirectory({
  instance: config.instance,
  publish: (message) => redisPub.publish(roomChannel, message),
  logger,
})
redisRooms.on('message', (channel: string, message: string) => {
  if (channel === roomChannel) roomDirectory.receive(message)
})
redisRooms.on('close', () => roomDirectory.lost())
// ioredis subscribes again after a reconnect before `ready`; a PING answered after it means the
// subscription is in place, so the hello's replies can be heard. (On the first connection the
// SUBSCRIBE may still be queued: that hello does not hear its own copy, stays incomplete, and the
// directory tries again.)
redisRooms.on('ready', () => {
  void redisRooms.ping().then(
    () => roomDirectory.hello(),
    () => undefined, // lost again: its next `ready` tries again
  )
})
void redisRooms.subscribe(roomChannel).catch((error: unknown) => {
  logger.warn({ err: error }, 'could not hear the room directory; every record goes through Redis')
})

let draining = false
const consumerApp = createConsumerApp({
  config,
  verifier: config.access.open ? undefined : new TokenVerifier(config.access.tokens),
  slots,
  readiness: () => ({
    kafka: subscriber.ready,
    redis: redisPub.status === 'ready' && redisSub.status === 'ready',
    accepting: !draining,
  }),
  consumedTopics: () => subscriber.topicCount,
  heldPartitions: () => subscriber.heldPartitions,
  lag: () => subscriber.lag,
  rebalances: () => subscriber.rebalances,
  groupLag: groupLag.latest,
  redisPending: () => redisPub.commandQueue.length,
  catchUp: {
    reader,
    admin,
    ignoredTopics: [config.deadLetterTopic],
    keyScanLimit: config.keyScanLimit,
  },
  deadLetters: new DeadLetters(deadLetterPublisher, config.deadLetterTopic, logger),
  adapter: roomDirectory.wrap(createAdapter(redisPub, redisSub)),
  othersWatch: (rooms) => roomDirectory.needsOthers(rooms),
  metrics: createServiceMetrics(),
  logger,
})
const { httpServer, io, deliver, interruptBroadcasts, resumeBroadcasts, stopWaiting } = consumerApp

const subscriber = new KafkaSubscriber(
  kafka,
  admin,
  {
    groupId: config.groupId,
    topicPrefix: config.topicPrefix,
    refreshIntervalMs: config.topicRefreshMs,
    onRecord: deliver,
    ignoredTopics: [config.deadLetterTopic],
    onFatal: (error) => {
      logger.fatal({ err: error }, 'Kafka consumer crashed for good; exiting to be restarted')
      process.exit(1)
    },
  },
  logger,
)

// Broadcasts reach the other instances through both connections: while either is down some may be
// missing here or there, so no socket is served live until both are back and every socket was
// brought back from Kafka (see holding-adapter.ts). Until Redis first answers, the same holds.
interruptBroadcasts()
for (const client of [redisPub, redisSub]) {
  client.on('close', interruptBroadcasts)
  client.on('ready', () => void resumeWhenBothReady())
}

async function resumeWhenBothReady(): Promise<void> {
  if (redisPub.status !== 'ready' || redisSub.status !== 'ready') return
  try {
    // ioredis subscribes again on a reconnect before it emits `ready`: once this PING is answered,
    // the adapter's subscriptions are in place and no broadcast can slip past the resync.
    await redisSub.ping()
    // Rooms created here while Redis was away were announced to nobody: tell every instance
    // before any socket is brought back, so that what they read next reaches it.
    await roomDirectory.hello()
  } catch {
    return // lost again: its next `ready` tries again
  }
  if (redisPub.status === 'ready' && redisSub.status === 'ready') resumeBroadcasts()
}

const announcementChannel = topicAnnouncementChannel(config.topicPrefix)
redisAnnouncements.on('message', (channel: string, message: string) => {
  const topics = channel === announcementChannel ? decodeTopicAnnouncement(message) : undefined
  if (topics !== undefined) subscriber.addTopics(topics)
})
// ioredis subscribes again by itself after a reconnect.
void redisAnnouncements.subscribe(announcementChannel).catch((error: unknown) => {
  logger.warn({ err: error }, 'could not hear topic announcements; new topics found by listing')
})

// The operator API's view of this instance: one SET every interval, on the fail-fast connection.
const registry = reportInstance(redisLimits, {
  name: config.instance,
  intervalMs: config.instanceReportMs,
  status: consumerApp.instanceStatus,
  logger,
})

onShutdownSignal(
  async () => {
    draining = true
    stopWaiting()
    await registry.stop()
    groupLag.stop()
    // Hand partitions to the other instances first; they keep broadcasting through Redis.
    await subscriber.stop()
    await reader.stop()
    await deadLetterPublisher.disconnect()
    await admin.disconnect()
    await groupLagReader.close()
    // Disconnected sockets reconnect through nginx to another instance.
    await io.close()
    await roomDirectory.close()
    slots.close()
    await Promise.all([
      redisPub.quit(),
      redisSub.quit(),
      redisAnnouncements.quit(),
      redisRooms.quit(),
      redisLimits.quit(),
    ])
  },
  { logger, timeoutMs: config.shutdownTimeoutMs },
)

httpServer.listen(config.port, config.host)
await once(httpServer, 'listening')
const address = httpServer.address()
const port = typeof address === 'object' && address !== null ? address.port : config.port
logger.info({ host: config.host, port }, 'listening')

void deadLetterPublisher.connect()
// The one Kafka subscription of this process, made at start-up: never per socket.
await startSubscriber()

/** Keeps trying until Kafka answers: a consumer may start before the broker. */
async function startSubscriber(): Promise<void> {
  while (!draining) {
    try {
      await subscriber.start()
      logger.info('consuming')
      return
    } catch (error) {
      logger.warn({ err: error }, 'Kafka not reachable yet; retrying')
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}
