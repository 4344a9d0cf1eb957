// The connection settings every Kafka client of a process shares, and herald's topic naming.
// @platformatic/kafka is imported in this folder only (docs/kafka-clients.md says why this one),
// so that another client can replace it here and nowhere else.

import type { Base, BaseOptions } from '@platformatic/kafka'
import type { Logger } from 'pino'

import type { EnvReader } from '../env.js'
import { isValidTopic } from '../topic.js'

export interface KafkaSettings {
  /** `host:port` of one or more brokers to bootstrap from. */
  brokers: readonly string[]
  /** Names this process in broker logs and quotas. */
  clientId: string
  /** Prepended to every herald topic name in Kafka, to namespace herald in a shared cluster. */
  topicPrefix: string
  /** How long one request may wait for a broker's answer. */
  requestTimeoutMs: number
}

/**
 * What a process knows to reach Kafka. Each herald component (publisher, admin, subscriber, log
 * reader) makes its own library client from it, with connections of its own: a long poll of the
 * subscriber never waits behind a topic creation, nor a heartbeat behind a fetch.
 */
export class KafkaClient {
  readonly settings: KafkaSettings
  readonly #logger: Logger

  constructor(settings: KafkaSettings, logger: Logger) {
    this.settings = settings
    this.#logger = logger.child({ component: 'kafka' })
  }

  /** Options every library client starts from; `role` ends up in the broker's client id. */
  baseOptions(role: string): BaseOptions {
    const { brokers, clientId, requestTimeoutMs } = this.settings
    return {
      clientId: `${clientId}-${role}`,
      bootstrapBrokers: [...brokers],
      connectTimeout: Math.min(3000, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      timeout: requestTimeoutMs,
      // Retries are short: callers hold their own deadlines (a 503 within 5 s) and their own loops.
      retries: 3,
      retryDelay: 100,
    }
  }

  /**
   * Logs what a library client reports. An 'error' event nobody listens to would end the process;
   * the library emits one when a group rejoin fails, which the subscriber recovers from itself.
   */
  watch<T extends Base>(client: T, role: string): T {
    const log = this.#logger.child({ role })
    client.on('error', (error: Error) => log.warn({ err: error }, 'Kafka client error'))
    client.on('client:broker:failed', (payload: unknown) =>
      log.debug({ payload }, 'broker connection failed'),
    )
    return client
  }
}

export function createKafkaClient(settings: KafkaSettings, logger: Logger): KafkaClient {
  return new KafkaClient(settings, logger)
}

/** The Kafka topic that holds a herald topic. */
export function kafkaTopicName(prefix: string, topic: string): string {
  return prefix + topic
}

/** The herald topic held by a Kafka topic, or `undefined` when the Kafka topic is not herald's. */
export function heraldTopicName(prefix: string, kafkaTopic: string): string | undefined {
  if (!kafkaTopic.startsWith(prefix)) return undefined
  const topic = kafkaTopic.slice(prefix.length)
  return isValidTopic(topic) ? topic : undefined
}

/** Kafka topic names are at most 249 characters and a herald topic may take 200 of them. */
const TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9._-]{0,49}$/

export interface KafkaEnv {
  kafkaBrokers: string[]
  topicPrefix: string
  /** Most offsets one read of a key's records scans in its partition (history, replay). */
  keyScanLimit: number
}

/**
 * Reads the Kafka settings every service shares: `KAFKA_BROKERS`, `HERALD_TOPIC_PREFIX` and
 * `HERALD_KEY_SCAN_LIMIT`.
 */
export function readKafkaEnv(read: EnvReader): KafkaEnv {
  const kafkaBrokers = read.list('KAFKA_BROKERS', ['127.0.0.1:9092'])
  const topicPrefix = read.string('HERALD_TOPIC_PREFIX', '')
  const keyScanLimit = read.int('HERALD_KEY_SCAN_LIMIT', 250_000, { min: 1000, max: 100_000_000 })
  if (kafkaBrokers.length === 0) read.problem('KAFKA_BROKERS: expected host:port[,host:port...]')
  if (!TOPIC_PREFIX_PATTERN.test(topicPrefix)) {
    read.problem('HERALD_TOPIC_PREFIX: up to 49 of letters, digits, ".", "_" and "-"')
  }
  return { kafkaBrokers, topicPrefix, keyScanLimit }
}
