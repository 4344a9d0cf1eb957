// The producer's configuration, read from the environment once and validated as a whole.

import { LIMIT_RANGE, readAccessEnv, type AccessConfig } from '@herald/shared/access'
import { envReader, type Env } from '@herald/shared/env'
import { readKafkaEnv } from '@herald/shared/kafka'
import { readInstanceReportMs } from '@herald/shared/service'
import { topicProblem } from '@herald/shared'
import { hostname } from 'node:os'

export interface ProducerConfig {
  /** Names this instance in logs and in Kafka's client id. */
  instance: string
  host: string
  port: number
  logLevel: string
  kafkaBrokers: string[]
  topicPrefix: string
  /** Most offsets a read of one key's records scans (HERALD_KEY_SCAN_LIMIT). */
  keyScanLimit: number
  /** Where consumers hear of the topics this producer creates. */
  redisUrl: string
  /** Partitions of a topic created on first use or without a count: 1 keeps a topic in order. */
  topicPartitions: number
  /** Most partitions POST /topics may ask for: every partition costs the broker and the consumers. */
  maxTopicPartitions: number
  topicReplicationFactor: number
  /** Longest wait for Kafka's acknowledgement before answering 503. */
  publishTimeoutMs: number
  /** The `Retry-After` of a 503, in seconds. */
  retryAfterSeconds: number
  maxBodyBytes: number
  /** Most notifications in one POST /notify/batch. */
  maxBatchItems: number
  /** Body limit of POST /notify/batch. */
  maxBatchBytes: number
  /** Longest a record waits to share a produce request with others. */
  publishLingerMs: number
  /** Largest `limit` of GET /topics/{topic}/messages. */
  maxHistoryLimit: number
  shutdownTimeoutMs: number
  /** Who may publish and read: publisher keys and the token key, or open to anyone. */
  access: AccessConfig
  /** Notifications one key may publish per window (a key's `publishRate` overrides it). */
  publishRateLimit: number
  /** The window of the publish rate: 1 s, so that the rate reads as notifications per second. */
  publishRateWindowMs: number
  /** Topics one key may create per hour, on first use or with POST /topics. */
  topicCreationsPerCallerLimit: number
  /** Topics all keys together may create per hour. */
  topicCreationsLimit: number
  /** How often this instance writes its status to the instance registry. */
  instanceReportMs: number
  /** The consumers' group, whose lag and owners the operator API shows. */
  groupId: string
  /** The consumers' dead-letter topic, which the operator API reads. */
  deadLetterTopic: string
}

export function readProducerConfig(env: Env): Readonly<ProducerConfig> {
  const read = envReader(env)
  const config: ProducerConfig = {
    instance: read.string('HERALD_INSTANCE', `producer-${hostname()}`),
    host: read.string('HOST', '0.0.0.0'),
    port: read.int('PORT', 8080, { min: 0, max: 65535 }),
    logLevel: read.string('LOG_LEVEL', 'info'),
    ...readKafkaEnv(read),
    redisUrl: read.string('REDIS_URL', 'redis://127.0.0.1:6379'),
    topicPartitions: read.int('HERALD_TOPIC_PARTITIONS', 1, { min: 1, max: 1000 }),
    maxTopicPartitions: read.int('HERALD_MAX_TOPIC_PARTITIONS', 16, { min: 1, max: 1000 }),
    topicReplicationFactor: read.int('HERALD_TOPIC_REPLICATION_FACTOR', -1, { min: -1, max: 32 }),
    // The contract promises an answer within 5 s; leave room for HTTP on both sides.
    publishTimeoutMs: read.int('HERALD_PUBLISH_TIMEOUT_MS', 4000, { min: 100, max: 4900 }),
    retryAfterSeconds: read.int('HERALD_RETRY_AFTER_SECONDS', 1, { min: 1, max: 3600 }),
    maxBodyBytes: read.int('HERALD_MAX_BODY_BYTES', 64 * 1024, {
      min: 1024,
      max: 16 * 1024 * 1024,
    }),
    maxBatchItems: read.int('HERALD_MAX_BATCH_ITEMS', 1000, { min: 1, max: 10_000 }),
    maxBatchBytes: read.int('HERALD_MAX_BATCH_BYTES', 4 * 1024 * 1024, {
      min: 1024,
      max: 15 * 1024 * 1024,
    }),
    publishLingerMs: read.int('HERALD_PUBLISH_LINGER_MS', 1, { min: 0, max: 100 }),
    maxHistoryLimit: read.int('HERALD_HISTORY_MAX_LIMIT', 1000, { min: 1, max: 100_000 }),
    shutdownTimeoutMs: read.int('HERALD_SHUTDOWN_TIMEOUT_MS', 10_000, { min: 0, max: 600_000 }),
    access: readAccessEnv(read, { publishers: true }),
    publishRateLimit: read.int('HERALD_LIMIT_PUBLISH_RATE', 1000, LIMIT_RANGE),
    publishRateWindowMs: read.int('HERALD_LIMIT_PUBLISH_WINDOW_MS', 1000, {
      min: 100,
      max: 3_600_000,
    }),
    topicCreationsPerCallerLimit: read.int(
      'HERALD_LIMIT_TOPIC_CREATIONS_PER_KEY',
      100,
      LIMIT_RANGE,
    ),
    topicCreationsLimit: read.int('HERALD_LIMIT_TOPIC_CREATIONS', 1000, LIMIT_RANGE),
    instanceReportMs: readInstanceReportMs(read),
    groupId: read.string('HERALD_CONSUMER_GROUP', 'herald-consumers'),
    deadLetterTopic: read.string('HERALD_DEAD_LETTER_TOPIC', 'herald.dead-letters'),
  }
  const problem = topicProblem(config.deadLetterTopic)
  if (problem !== undefined) read.problem(`HERALD_DEAD_LETTER_TOPIC: ${problem}`)
  if (!/^rediss?:\/\//.test(config.redisUrl)) read.problem('REDIS_URL: expected redis://host:port')
  if (config.topicPartitions > config.maxTopicPartitions) {
    read.problem(
      `HERALD_TOPIC_PARTITIONS (${config.topicPartitions}) exceeds HERALD_MAX_TOPIC_PARTITIONS (${config.maxTopicPartitions})`,
    )
  }
  return read.finish(config)
}
