// Creates herald topics on first use and lists the ones that exist. One admin connection per
// process; concurrent first sends to a new topic share one creation request.

import type { Admin, PartitionMetadata } from 'kafkajs'
import type { Logger } from 'pino'

import { heraldTopicName, kafkaTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError, TopicExistsError, TopicRejectedError } from './errors.js'
import { TopicCreationQueue, type CreationOutcome } from './topic-creation-queue.js'

export interface TopicAdminOptions {
  topicPrefix: string
  /** Partitions of a topic herald creates. */
  partitions: number
  /** Replicas of a topic herald creates; -1 takes the broker's `default.replication.factor`. */
  replicationFactor: number
  /** Told the topics each creation request made (or found made), so consumers can learn of them. */
  onCreated?: (topics: readonly string[]) => void
}

export interface PartitionOffsets {
  partition: number
  low: bigint
  high: bigint
}

export interface TopicDescription {
  name: string
  partitions: number
}

interface KnownTopic {
  partitions: readonly PartitionMetadata[]
  /** When the partitions were looked up. */
  at: number
}

const PARTITIONS_TTL_MS = 60_000
/** Longest wait for a new topic's leaders: within the 4 s a publish may take. */
const LEADERS_WAIT_MS = 3000

export class TopicAdmin {
  readonly #admin: Admin
  readonly #options: TopicAdminOptions
  readonly #logger: Logger
  readonly #known = new Map<string, KnownTopic>()
  readonly #creating = new Map<string, Promise<readonly PartitionMetadata[]>>()
  readonly #creations = new TopicCreationQueue({
    create: (topics) => this.#createMany(topics),
  })
  #connection: Promise<void> | undefined

  constructor(kafka: KafkaClient, options: TopicAdminOptions, logger: Logger) {
    this.#admin = kafka.admin()
    this.#options = options
    this.#logger = logger
  }

  /**
   * Makes sure the herald topic exists, creating it with herald's partition count if not, and
   * resolves with its partitions. Known topics answer from memory; their partitions are looked up
   * again after PARTITIONS_TTL_MS, so partitions added by an operator are used.
   */
  ensureTopic(topic: string): Promise<readonly PartitionMetadata[]> {
    const known = this.#known.get(topic)
    if (known !== undefined && Date.now() - known.at < PARTITIONS_TTL_MS) {
      return Promise.resolve(known.partitions)
    }
    let creation = this.#creating.get(topic)
    if (creation === undefined) {
      // A topic seen before only needs its partitions again; an unknown one may need creating.
      const lookup =
        known === undefined ? this.#creations.ensure(topic) : this.#refreshPartitions(topic)
      creation = lookup
        .then(() => (this.#known.get(topic) as KnownTopic).partitions)
        .finally(() => this.#creating.delete(topic))
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

  /** Each partition's first offset still kept (`low`) and the next offset to be written (`high`). */
  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
    const offsets = await this.#withConnection(() => this.#admin.fetchTopicOffsets(kafkaTopic))
    return offsets
      .map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) }))
      .sort((a, b) => a.partition - b.partition)
  }

  /** The herald topics with their partition counts, by name. */
  async describeTopics(): Promise<TopicDescription[]> {
    const names = await this.listTopics()
    if (names.length === 0) return []
    const kafkaNames = names.map((name) => kafkaTopicName(this.#options.topicPrefix, name))
    const { topics } = await this.#withConnection(() =>
      this.#admin.fetchTopicMetadata({ topics: kafkaNames }),
    )
    return topics
      .map(({ name, partitions }) => ({
        name: heraldTopicName(this.#options.topicPrefix, name) as string,
        partitions: partitions.length,
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Creates a topic explicitly; TopicExistsError when it is already there. */
  async createTopic(topic: string, partitions: number): Promise<void> {
    const created = await this.#createOrFind(topic, partitions)
    if (!created) throw new TopicExistsError(topic)
  }

  async disconnect(): Promise<void> {
    if (this.#connection !== undefined) await this.#admin.disconnect()
    this.#connection = undefined
  }

  /** Resolves true when this call created the topic, false when it existed. */
  async #createOrFind(topic: string, partitions: number): Promise<boolean> {
    const { topicPrefix, replicationFactor } = this.#options
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
          // kafkajs's own wait gives up when the broker does not know the topic yet (KRaft
          // publishes new topics asynchronously): #awaitLeaders waits for that too.
          waitForLeaders: false,
        }),
      )
      const metadata = await this.#awaitLeaders(kafkaTopicName(topicPrefix, topic))
      if (created) {
        this.#logger.info({ topic, partitions }, 'created topic')
        this.#options.onCreated?.([topic])
      }
      this.#known.set(topic, { partitions: metadata, at: Date.now() })
      return created
    } catch (error) {
      const types = kafkaErrorTypes(error)
      if (types.includes('INVALID_TOPIC_EXCEPTION') || types.includes('INVALID_PARTITIONS')) {
        throw new TopicRejectedError(topic, `Kafka refused topic "${topic}"`, { cause: error })
      }
      throw new KafkaUnavailableError(`could not create topic "${topic}"`, { cause: error })
    }
  }

  /**
   * Creates topics with herald's partition count in one request and waits for all their leaders
   * in one metadata poll; a topic that already existed counts as there.
   */
  async #createMany(topics: readonly string[]): Promise<Map<string, CreationOutcome>> {
    const { topicPrefix, partitions, replicationFactor } = this.#options
    const refused = new Map<string, Error>()
    try {
      await this.#withConnection(() =>
        this.#admin.createTopics({
          topics: topics.map((topic) => ({
            topic: kafkaTopicName(topicPrefix, topic),
            numPartitions: partitions,
            replicationFactor,
          })),
          waitForLeaders: false,
        }),
      )
    } catch (error) {
      const perTopic = topicErrors(error)
      if (perTopic === undefined) {
        const failure = new KafkaUnavailableError('could not create topics', { cause: error })
        return new Map(topics.map((topic) => [topic, { ok: false, error: failure }]))
      }
      for (const [kafkaTopic, type] of perTopic) {
        const topic = kafkaTopic.slice(topicPrefix.length)
        if (type === 'INVALID_TOPIC_EXCEPTION' || type === 'INVALID_PARTITIONS') {
          refused.set(topic, new TopicRejectedError(topic, `Kafka refused topic "${topic}"`))
        } else if (type !== 'TOPIC_ALREADY_EXISTS') {
          refused.set(
            topic,
            new KafkaUnavailableError(`could not create topic "${topic}": ${type}`),
          )
        }
      }
    }
    const outcomes = new Map<string, CreationOutcome>()
    for (const [topic, error] of refused) outcomes.set(topic, { ok: false, error })
    const present = topics.filter((topic) => !refused.has(topic))
    if (present.length === 0) return outcomes
    try {
      const metadata = await this.#awaitLeadersOf(
        present.map((topic) => kafkaTopicName(topicPrefix, topic)),
      )
      const at = Date.now()
      for (const topic of present) {
        const partitionMetadata = metadata.get(kafkaTopicName(topicPrefix, topic)) ?? []
        this.#known.set(topic, { partitions: partitionMetadata, at })
        outcomes.set(topic, { ok: true, created: true })
      }
      this.#logger.info({ topics: present.length, partitions }, 'created or found topics')
      this.#options.onCreated?.(present)
    } catch (error) {
      const failure = new KafkaUnavailableError('new topics have no leader yet', { cause: error })
      for (const topic of present) outcomes.set(topic, { ok: false, error: failure })
    }
    return outcomes
  }

  async #refreshPartitions(topic: string): Promise<void> {
    try {
      const partitions = await this.#awaitLeaders(kafkaTopicName(this.#options.topicPrefix, topic))
      this.#known.set(topic, { partitions, at: Date.now() })
    } catch (error) {
      throw new KafkaUnavailableError(`could not look up topic "${topic}"`, { cause: error })
    }
  }

  /** Resolves with a topic's partitions once every one has a leader to take records. */
  async #awaitLeaders(kafkaTopic: string): Promise<PartitionMetadata[]> {
    return (await this.#awaitLeadersOf([kafkaTopic])).get(kafkaTopic) as PartitionMetadata[]
  }

  /**
   * Each topic's partitions, once every partition of every one has a leader. A topic just created
   * is unknown or leaderless for a moment (KRaft publishes it asynchronously), and a request may
   * meet a connection another one just dropped: both are retried until LEADERS_WAIT_MS is over.
   */
  async #awaitLeadersOf(kafkaTopics: readonly string[]): Promise<Map<string, PartitionMetadata[]>> {
    const deadline = Date.now() + LEADERS_WAIT_MS
    let lastError: unknown
    while (Date.now() < deadline) {
      try {
        const { topics } = await this.#withConnection(() =>
          this.#admin.fetchTopicMetadata({ topics: [...kafkaTopics] }),
        )
        const led = topics.filter(
          ({ partitions }) =>
            partitions.length > 0 && partitions.every((partition) => partition.leader >= 0),
        )
        if (led.length === kafkaTopics.length) {
          return new Map(led.map(({ name, partitions }) => [name, partitions]))
        }
      } catch (error) {
        lastError = error
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new KafkaUnavailableError(`topics ${kafkaTopics.join(', ')} have no leader yet`, {
      cause: lastError,
    })
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

/** Kafka topic → error type of a kafkajs CreateTopics failure; undefined when it was no answer. */
function topicErrors(error: unknown): Map<string, string> | undefined {
  const { errors } = (error ?? {}) as { errors?: unknown }
  if (!Array.isArray(errors)) return undefined
  const perTopic = new Map<string, string>()
  for (const entry of errors as { topic?: unknown; type?: unknown }[]) {
    if (typeof entry.topic !== 'string' || typeof entry.type !== 'string') return undefined
    perTopic.set(entry.topic, entry.type)
  }
  return perTopic
}

/** The protocol error types in a kafkajs error, those of an aggregate's errors and its causes too. */
function kafkaErrorTypes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return []
  const { type, errors, cause } = error as { type?: unknown; errors?: unknown; cause?: unknown }
  // kafkajs's own retrier gives up on a topic still settling with a wrapper whose cause says why.
  const nested = [
    ...(Array.isArray(errors) ? errors.flatMap(kafkaErrorTypes) : []),
    ...kafkaErrorTypes(cause),
  ]
  return typeof type === 'string' ? [type, ...nested] : nested
}
