// Sends records to Kafka and resolves only once all in-sync replicas acknowledged them, or rejects
// within the caller's deadline. One long-lived kafkajs producer per process.

import kafkajs from 'kafkajs'
import type { Producer } from 'kafkajs'
import type { Logger } from 'pino'

import type { PublishReceipt } from '../notification.js'
import { kafkaTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError } from './errors.js'
import type { TopicAdmin } from './topic-admin.js'

const { Partitioners } = kafkajs

export interface OutgoingRecord {
  /** herald topic name (without the prefix). */
  topic: string
  value: string | Buffer
  key?: string
  headers?: Record<string, string>
  /** Record timestamp, milliseconds since the epoch. */
  timestamp: number
}

export interface PublisherOptions {
  topicPrefix: string
  /** Longest wait for Kafka's acknowledgement, topic creation included. */
  timeoutMs: number
  /** Pause between attempts to reach Kafka at start-up. */
  reconnectDelayMs: number
}

export class KafkaPublisher {
  readonly #producer: Producer
  readonly #admin: TopicAdmin
  readonly #options: PublisherOptions
  readonly #logger: Logger
  #connected = false
  #closed = false

  constructor(kafka: KafkaClient, admin: TopicAdmin, options: PublisherOptions, logger: Logger) {
    this.#producer = kafka.producer({
      // Same key → same partition, with the murmur2 hashing Java clients use.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Topics are created by TopicAdmin with herald's partition count, never implicitly.
      allowAutoTopicCreation: false,
    })
    this.#admin = admin
    this.#options = options
    this.#logger = logger
  }

  get connected(): boolean {
    return this.#connected
  }

  /** Connects, retrying until Kafka answers or the publisher is closed. */
  async connect(): Promise<void> {
    while (!this.#closed && !this.#connected) {
      try {
        await this.#producer.connect()
        this.#connected = true
        this.#logger.info('connected to Kafka')
      } catch (error) {
        this.#logger.warn({ err: error }, 'Kafka not reachable yet; retrying')
        await delay(this.#options.reconnectDelayMs)
      }
    }
  }

  /** Stores one record; rejects with KafkaUnavailableError when Kafka does not acknowledge in time. */
  async publish(record: OutgoingRecord): Promise<PublishReceipt> {
    if (!this.#connected) throw new KafkaUnavailableError('not connected to Kafka')
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KafkaUnavailableError(
              `Kafka did not acknowledge within ${this.#options.timeoutMs} ms`,
            ),
          ),
        this.#options.timeoutMs,
      )
    })
    try {
      return await Promise.race([this.#send(record), deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  async disconnect(): Promise<void> {
    this.#closed = true
    this.#connected = false
    await this.#producer.disconnect()
  }

  async #send(record: OutgoingRecord): Promise<PublishReceipt> {
    await this.#admin.ensureTopic(record.topic)
    try {
      const [metadata] = await this.#producer.send({
        topic: kafkaTopicName(this.#options.topicPrefix, record.topic),
        acks: -1,
        timeout: this.#options.timeoutMs,
        messages: [
          {
            key: record.key ?? null,
            value: record.value,
            timestamp: String(record.timestamp),
            ...(record.headers === undefined ? {} : { headers: record.headers }),
          },
        ],
      })
      if (metadata?.baseOffset === undefined) {
        throw new Error('Kafka answered without an offset')
      }
      return {
        topic: record.topic,
        partition: metadata.partition,
        offset: metadata.baseOffset,
        timestamp: record.timestamp,
      }
    } catch (error) {
      throw new KafkaUnavailableError('Kafka did not acknowledge the record', { cause: error })
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
