// Builds the one kafkajs client a process uses. Every kafkajs import of herald lives in this folder,
// so that a maintained client can replace kafkajs here and nowhere else.

import kafkajs from 'kafkajs'
import type { Logger } from 'pino'

import type { EnvReader } from '../env.js'
import { isValidTopic } from '../topic.js'

const { Kafka, logLevel } = kafkajs

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

export type KafkaClient = InstanceType<typeof Kafka>

export function createKafkaClient(settings: KafkaSettings, logger: Logger): KafkaClient {
  const log = logger.child({ component: 'kafkajs' })
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: Math.min(3000, settings.requestTimeoutMs),
    requestTimeout: settings.requestTimeoutMs,
    // Retries are short: callers hold their own deadlines (a 503 within 5 s) and their own loops.
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({
        level,
        namespace,
        log: { message, timestamp: _timestamp, logger: _logger, ...extra },
      }) => {
        const fields = { namespace, ...extra }
        if (level === logLevel.ERROR) log.error(fields, message)
        else if (level === logLevel.WARN) log.warn(fields, message)
        else log.debug(fields, message)
      },
  })
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

/** Reads the Kafka settings every service shares: `KAFKA_BROKERS` and `HERALD_TOPIC_PREFIX`. */
export function readKafkaEnv(read: EnvReader): { kafkaBrokers: string[]; topicPrefix: string } {
  const kafkaBrokers = read.list('KAFKA_BROKERS', ['127.0.0.1:9092'])
  const topicPrefix = read.string('HERALD_TOPIC_PREFIX', '')
  if (kafkaBrokers.length === 0) read.problem('KAFKA_BROKERS: expected host:port[,host:port...]')
  if (!TOPIC_PREFIX_PATTERN.test(topicPrefix)) {
    read.problem('HERALD_TOPIC_PREFIX: up to 49 of letters, digits, ".", "_" and "-"')
  }
  return { kafkaBrokers, topicPrefix }
}
