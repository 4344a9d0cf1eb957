// Creates herald topics on first use and lists the ones that exist. One admin connection per
// process; concurrent first sends to a new topic share one creation request.

import type { Admin } from 'kafkajs'
import type { Logger } from 'pino'

import { heraldTopicName, kafkaTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError, TopicRejectedError } from './errors.js'

export interface TopicAdminOptions {
  topicPrefix: string
  /** Partitions of a topic herald creates. */
  partitions: number
  /** Replicas of a topic herald creates; -1 takes the broker's `default.replication.factor`. */
  replicationFactor: number
}

export class TopicAdmin {
  readonly #admin: Admin
  readonly #options: TopicAdminOptions
  readonly #logger: Logger
  readonly #known = new Set<string>()
  readonly #creating = new Map<string, Promise<void>>()
  #connection: Promise<void> | undefined

  constructor(kafka: KafkaClient, options: TopicAdminOptions, logger: Logger) {
    this.#admin = kafka.admin()
    this.#options = options
    this.#logger = logger
  }

  /** Makes sure the herald topic exists, creating it with herald's partition count if not. */
  async ensureTopic(topic: string): Promise<void> {
    if (this.#known.has(topic)) return
    let creation = this.#creating.get(topic)
    if (creation === undefined) {
      creation = this.#create(topic).finally(() => this.#creating.delete(topic))
      this.#creating.set(topic, creation)
    }
    return creation
  }

  /** The herald topics that exist now, by herald name, sorted. */
  async listTopics(): Promise<string[]> {
    const names = await this.#withConnection(() => this.#admin.listTopics())
    return names
      .map((name) => heraldTopicName(this.#options.topicPrefix, name))
      .filter((name): name is string => name !== undefined)
      .sort()
  }

  async disconnect(): Promise<void> {
    if (this.#connection !== undefined) await this.#admin.disconnect()
    this.#connection = undefined
  }

  async #create(topic: string): Promise<void> {
    const { topicPrefix, partitions, replicationFactor } = this.#options
    try {
      const created = await this.#withConnection(() =>
        this.#admin.createTopics({
          topics: [
            {
              topic: kafkaTopicName(topicPrefix, topic),
              numPartitions: partitions,
              replicationFactor,
            },
          ],
          waitForLeaders: true,
        }),
      )
      if (created) this.#logger.info({ topic, partitions }, 'created topic')
      this.#known.add(topic)
    } catch (error) {
      if (kafkaErrorTypes(error).includes('INVALID_TOPIC_EXCEPTION')) {
        throw new TopicRejectedError(topic, `Kafka refused topic "${topic}"`, { cause: error })
      }
      throw new KafkaUnavailableError(`could not create topic "${topic}"`, { cause: error })
    }
  }

  /**
   * Runs `request` on a connected admin client. kafkajs's admin does not reconnect by itself once
   * its broker connection broke (a broker restart or stall leaves it answering "Broker not
   * connected" for good), so a failed request drops the connection and the next one makes a new one.
   */
  async #withConnection<T>(request: () => Promise<T>): Promise<T> {
    this.#connection ??= this.#admin.connect()
    try {
      await this.#connection
      return await request()
    } catch (error) {
      this.#connection = undefined
      await this.#admin.disconnect().catch(() => undefined)
      throw error
    }
  }
}

/** The protocol error types in a kafkajs error, including those of an aggregate error. */
function kafkaErrorTypes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return []
  const { type, errors } = error as { type?: unknown; errors?: unknown }
  const nested = Array.isArray(errors) ? errors.flatMap(kafkaErrorTypes) : []
  return typeof type === 'string' ? [type, ...nested] : nested
}
