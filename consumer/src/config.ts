// The consumer's configuration, read from the environment once and validated as a whole.

import { topicProblem } from '@herald/shared'
import { LIMIT_RANGE, readAccessEnv, type AccessConfig } from '@herald/shared/access'
import { envReader, type Env } from '@herald/shared/env'
import { readKafkaEnv } from '@herald/shared/kafka'
import { readInstanceReportMs } from '@herald/shared/service'
import { hostname } from 'node:os'

import type { PressureLimits } from './delivery-pressure.js'
import type { OutboundLimit } from './outbound-limit.js'

export interface ConsumerConfig {
  /** Names this instance in logs and in Kafka's client id. */
  instance: string
  host: string
  port: number
  logLevel: string
  kafkaBrokers: string[]
  topicPrefix: string
  /** Most offsets a read of one key's records scans (HERALD_KEY_SCAN_LIMIT). */
  keyScanLimit: number
  /** The one consumer group every consumer instance joins. */
  groupId: string
  /** How often to look for topics no producer announced (created by other Kafka clients). */
  topicRefreshMs: number
  redisUrl: string
  /** How many topics and patterns one socket may watch at once. */
  maxTopicsPerSocket: number
  /** Larger records are dead-lettered instead of delivered. */
  maxRecordBytes: number
  /** The herald topic undeliverable records go to; never delivered itself. */
  deadLetterTopic: string
  shutdownTimeoutMs: number
  /** Who may watch: the token key, or open to anyone. */
  access: AccessConfig
  /** How long before its token expires a socket is told (`token:expiring`). */
  tokenExpiryNoticeMs: number
  /** Sockets one token subject may hold at once, across every consumer. */
  socketsPerSubjectLimit: number
  /** Sockets one client address may hold at once, across every consumer. */
  socketsPerAddressLimit: number
  /** subscribe and unsubscribe operations one socket may make per window. */
  subscribesPerSocketLimit: number
  subscribesWindowMs: number
  /** Shortest time between two flushes of the connections' writes (0: at the end of each turn). */
  writeIntervalMs: number
  /** What one socket may have queued before it is cut with `slow_consumer`. */
  outbound: OutboundLimit
  /** What this instance may have queued in all before it stops fetching from Kafka. */
  pressure: PressureLimits
  /** Records left to read in its partitions past which the instance says it is behind. */
  behindLagRecords: number
  /** How often the group's lag is read from Kafka for /metrics. */
  groupLagIntervalMs: number
  /** How often this instance writes its status to the instance registry. */
  instanceReportMs: number
}

export function readConsumerConfig(env: Env): Readonly<ConsumerConfig> {
  const read = envReader(env)
  const config: ConsumerConfig = {
    instance: read.string('HERALD_INSTANCE', `consumer-${hostname()}`),
    host: read.string('HOST', '0.0.0.0'),
    port: read.int('PORT', 8080, { min: 0, max: 65535 }),
    logLevel: read.string('LOG_LEVEL', 'info'),
    ...readKafkaEnv(read),
    groupId: read.string('HERALD_CONSUMER_GROUP', 'herald-consumers'),
    topicRefreshMs: read.int('HERALD_TOPIC_REFRESH_MS', 5000, { min: 50, max: 600_000 }),
    redisUrl: read.string('REDIS_URL', 'redis://127.0.0.1:6379'),
    maxTopicsPerSocket: read.int('HERALD_MAX_TOPICS_PER_SOCKET', 100, { min: 1, max: 10_000 }),
    maxRecordBytes: read.int('HERALD_MAX_RECORD_BYTES', 256 * 1024, {
      min: 1024,
      max: 64 * 1024 * 1024,
    }),
    deadLetterTopic: read.string('HERALD_DEAD_LETTER_TOPIC', 'herald.dead-letters'),
    shutdownTimeoutMs: read.int('HERALD_SHUTDOWN_TIMEOUT_MS', 10_000, { min: 0, max: 600_000 }),
    access: readAccessEnv(read, { publishers: false }),
    tokenExpiryNoticeMs: read.int('HERALD_TOKEN_EXPIRY_NOTICE_MS', 60_000, {
      min: 0,
      max: 86_400_000,
    }),
    socketsPerSubjectLimit: read.int('HERALD_LIMIT_SOCKETS_PER_SUBJECT', 20, LIMIT_RANGE),
    socketsPerAddressLimit: read.int('HERALD_LIMIT_SOCKETS_PER_ADDRESS', 200, LIMIT_RANGE),
    subscribesPerSocketLimit: read.int('HERALD_LIMIT_SUBSCRIBES_PER_SOCKET', 30, LIMIT_RANGE),
    subscribesWindowMs: read.int('HERALD_LIMIT_SUBSCRIBES_WINDOW_MS', 10_000, {
      min: 100,
      max: 3_600_000,
    }),
    writeIntervalMs: read.int('HERALD_WRITE_INTERVAL_MS', 0, { min: 0, max: 1000 }),
    outbound: {
      maxQueuedBytes: read.int('HERALD_SOCKET_MAX_QUEUED_BYTES', 4 * 1024 * 1024, {
        min: 1024,
        max: 1024 * 1024 * 1024,
      }),
      maxQueuedPackets: read.int('HERALD_SOCKET_MAX_QUEUED_NOTIFICATIONS', 1000, {
        min: 1,
        max: 1_000_000,
      }),
      closeGraceMs: read.int('HERALD_SLOW_CONSUMER_GRACE_MS', 5000, { min: 0, max: 600_000 }),
    },
    pressure: {
      maxQueuedBytes: read.int('HERALD_CONSUMER_MAX_QUEUED_BYTES', 64 * 1024 * 1024, {
        min: 1024,
        max: 16 * 1024 * 1024 * 1024,
      }),
      maxRedisPending: read.int('HERALD_REDIS_MAX_PENDING', 10_000, { min: 1, max: 10_000_000 }),
    },
    behindLagRecords: read.int('HERALD_BEHIND_LAG_RECORDS', 1000, { min: 1, max: 1_000_000_000 }),
    groupLagIntervalMs: read.int('HERALD_GROUP_LAG_INTERVAL_MS', 10_000, {
      min: 100,
      max: 600_000,
    }),
    instanceReportMs: readInstanceReportMs(read),
  }
  if (config.outbound.maxQueuedBytes < config.maxRecordBytes)
    read.problem(
      'HERALD_SOCKET_MAX_QUEUED_BYTES: must be at least HERALD_MAX_RECORD_BYTES, or one record cuts every socket',
    )
  if (config.pressure.maxQueuedBytes < 2 * config.outbound.maxQueuedBytes)
    read.problem(
      'HERALD_CONSUMER_MAX_QUEUED_BYTES: must be at least twice HERALD_SOCKET_MAX_QUEUED_BYTES, or one socket that stops reading holds back every other',
    )
  const problem = topicProblem(config.deadLetterTopic)
  if (problem !== undefined) read.problem(`HERALD_DEAD_LETTER_TOPIC: ${problem}`)
  if (!/^rediss?:\/\//.test(config.redisUrl)) read.problem('REDIS_URL: expected redis://host:port')
  return read.finish(config)
}
