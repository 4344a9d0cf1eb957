// Creates herald topics on first use and lists the ones that exist. One admin client per process;
// first uses of new topics share creation requests (topic-creation-queue.ts).

import { Admin, protocolErrorsCodesById } from '@platformatic/kafka'
import type { Logger } from 'pino'

import { heraldTopicName, kafkaTopicName, type KafkaClient } from './client.js'
import {
  kafkaErrorIds,
  KafkaUnavailableError,
  TopicExistsError,
  TopicRejectedError,
} from './errors.js'
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
  partitions: number
  /** When the partitions were looked up. */
  at: number
}

const PARTITIONS_TTL_MS = 60_000
/** Longest wait for a new topic's leaders: within the 4 s a publish may take. */
const LEADERS_WAIT_MS = 3000
/** Kafka's ListOffsets timestamps for "first kept" and "next to be written". */
const EARLIEST = -2n
const LATEST = -1n
/** Errors that mean Kafka refused the topic itself, not that it was busy. */
const REFUSALS = ['INVALID_TOPIC_EXCEPTION', 'INVALID_PARTITIONS', 'INVALID_REPLICATION_FACTOR']

export class TopicAdmin {
  readonly #admin: Admin
  readonly #options: TopicAdminOptions
  readonly #logger: Logger
  readonly #known = new Map<string, KnownTopic>()
  readonly #creating = new Map<string, Promise<number>>()
  readonly #creations = new TopicCreationQueue({
    create: (topics) => this.#createMany(topics),
  })

  constructor(kafka: KafkaClient, options: TopicAdminOptions, logger: Logger) {
    this.#admin = kafka.watch(new Admin(kafka.baseOptions('admin')), 'admin')
    this.#options = options
    this.#logger = logger
  }

  /**
   * Makes sure the herald topic exists, creating it with herald's partition count if not, and
   * resolves with its number of partitions. Known topics answer from memory; their partitions are
   * looked up again after PARTITIONS_TTL_MS, so partitions added by an operator are used.
   */
  ensureTopic(topic: string): Promise<number> {
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

  /**
   * Whether the herald topic exists: known ones answer from memory, others ask Kafka, within
   * `timeoutMs` — a stalled broker must not hold a request past the time it is promised an answer.
   */
  async exists(topic: string, timeoutMs: number): Promise<boolean> {
    if (this.#known.has(topic)) return true
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new KafkaUnavailableError(`Kafka did not list its topics within ${timeoutMs} ms`)),
        timeoutMs,
      )
    })
    const listing = this.listTopics()
    listing.catch(() => undefined)
    try {
      return (await Promise.race([listing, late])).includes(topic)
    } finally {
      clearTimeout(timer)
    }
  }

  /** The herald topics that exist now, by herald name, sorted. */
  async listTopics(): Promise<string[]> {
    const names = await this.#request('list topics', () => this.#admin.listTopics())
    return names
      .map((name) => heraldTopicName(this.#options.topicPrefix, name))
      .filter((name): name is string => name !== undefined)
      .sort()
  }

  /** Each partition's first offset still kept (`low`) and the next offset to be written (`high`). */
  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
    // The partition count from the client's metadata cache: ListOffsets looks the leaders up
    // afresh anyway, and this runs for every catch-up and history page.
    const metadata = await this.#request(`look up "${topic}"`, () =>
      this.#admin.metadata({ topics: [kafkaTopic] }),
    )
    const partitions = metadata.topics.get(kafkaTopic)?.partitionsCount ?? 0
    const at = (timestamp: bigint) =>
      this.#request(`list offsets of "${topic}"`, () =>
        this.#admin.listOffsets({
          topics: [
            {
              name: kafkaTopic,
              partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
                partitionIndex,
                timestamp,
              })),
            },
          ],
        }),
      )
    const [earliest, latest] = await Promise.all([at(EARLIEST), at(LATEST)])
    const lows = new Map(earliest[0]?.partitions.map((p) => [p.partitionIndex, p.offset]))
    return (latest[0]?.partitions ?? [])
      .map(({ partitionIndex, offset }) => ({
        partition: partitionIndex,
        low: lows.get(partitionIndex) ?? 0n,
        high: offset,
      }))
      .sort((a, b) => a.partition - b.partition)
  }

  /** The herald topics with their partition counts, by name. */
  async describeTopics(): Promise<TopicDescription[]> {
    const names = await this.listTopics()
    if (names.length === 0) return []
    const kafkaNames = names.map((name) => kafkaTopicName(this.#options.topicPrefix, name))
    const metadata = await this.#request('describe topics', () =>
      this.#admin.metadata({ topics: kafkaNames, forceUpdate: true }),
    )
    return [...metadata.topics]
      .map(([name, { partitionsCount }]) => ({
        name: heraldTopicName(this.#options.topicPrefix, name) as string,
        partitions: partitionsCount,
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Creates a topic explicitly; TopicExistsError when it is already there. */
  async createTopic(topic: string, partitions: number): Promise<void> {
    const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
    try {
      await this.#admin.createTopics({
        topics: [kafkaTopic],
        partitions,
        replicas: this.#options.replicationFactor,
      })
    } catch (error) {
      const ids = kafkaErrorIds(error)
      if (ids.includes('TOPIC_ALREADY_EXISTS')) throw new TopicExistsError(topic)
      throw creationFailure(
        topic,
        ids.find((id) => REFUSALS.includes(id)),
        error,
      )
    }
    const count = (await this.#awaitLeadersOf([kafkaTopic])).get(kafkaTopic) as number
    this.#known.set(topic, { partitions: count, at: Date.now() })
    this.#logger.info({ topic, partitions }, 'created topic')
    this.#options.onCreated?.([topic])
  }

  async disconnect(): Promise<void> {
    await this.#admin.close()
  }

  /**
   * Creates topics with herald's partition count in one request and waits for all their leaders
   * in one metadata poll; a topic that already existed counts as there.
   */
  async #createMany(topics: readonly string[]): Promise<Map<string, CreationOutcome>> {
    const { topicPrefix, partitions, replicationFactor } = this.#options
    const refused = new Map<string, Error>()
    try {
      await this.#admin.createTopics({
        topics: topics.map((topic) => kafkaTopicName(topicPrefix, topic)),
        partitions,
        replicas: replicationFactor,
      })
    } catch (error) {
      const perTopic = topicErrors(error)
      if (perTopic === undefined) {
        const failure = new KafkaUnavailableError('could not create topics', { cause: error })
        return new Map(topics.map((topic) => [topic, { ok: false, error: failure }]))
      }
      for (const [kafkaTopic, id] of perTopic) {
        const topic = kafkaTopic.slice(topicPrefix.length)
        if (id !== 'TOPIC_ALREADY_EXISTS') refused.set(topic, creationFailure(topic, id))
      }
    }
    const outcomes = new Map<string, CreationOutcome>()
    for (const [topic, error] of refused) outcomes.set(topic, { ok: false, error })
    const present = topics.filter((topic) => !refused.has(topic))
    if (present.length === 0) return outcomes
    try {
      const counts = await this.#awaitLeadersOf(
        present.map((topic) => kafkaTopicName(topicPrefix, topic)),
      )
      const at = Date.now()
      for (const topic of present) {
        const count = counts.get(kafkaTopicName(topicPrefix, topic)) as number
        this.#known.set(topic, { partitions: count, at })
        outcomes.set(topic, { ok: true, created: true })
      }
      this.#logger.info({ topics: present.length, partitions }, 'created or found topics')
      this.#options.onCreated?.(present)
    } catch (error) {
      for (const topic of present) outcomes.set(topic, { ok: false, error: error as Error })
    }
    return outcomes
  }

  async #refreshPartitions(topic: string): Promise<void> {
    const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
    const partitions = (await this.#awaitLeadersOf([kafkaTopic])).get(kafkaTopic) as number
    this.#known.set(topic, { partitions, at: Date.now() })
  }

  /**
   * Each topic's partition count, once every partition of every one has a leader. A topic just
   * created is unknown or leaderless for a moment (KRaft publishes it asynchronously): retried
   * until LEADERS_WAIT_MS is over.
   */
  async #awaitLeadersOf(kafkaTopics: readonly string[]): Promise<Map<string, number>> {
    const deadline = Date.now() + LEADERS_WAIT_MS
    let lastError: unknown
    while (Date.now() < deadline) {
      try {
        return await this.#leadersOf(kafkaTopics)
      } catch (error) {
        lastError = error
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new KafkaUnavailableError(`topics ${kafkaTopics.join(', ')} have no leader yet`, {
      cause: lastError,
    })
  }

  /** Each topic's partition count; rejects when one is unknown or has a partition without leader. */
  async #leadersOf(kafkaTopics: readonly string[]): Promise<Map<string, number>> {
    const metadata = await this.#admin.metadata({
      topics: [...kafkaTopics],
      forceUpdate: true,
      retries: 0,
    })
    const counts = new Map<string, number>()
    for (const name of kafkaTopics) {
      const topic = metadata.topics.get(name)
      const led =
        topic !== undefined &&
        topic.partitionsCount > 0 &&
        topic.partitions.every((partition) => partition.leader >= 0)
      if (!led) throw new KafkaUnavailableError(`topic ${name} has no leader yet`)
      counts.set(name, topic.partitionsCount)
    }
    return counts
  }

  async #request<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw new KafkaUnavailableError(`could not ${what}`, { cause: error })
    }
  }
}

/** Why a topic could not be created: Kafka refused it (`id` one of REFUSALS), or was busy. */
function creationFailure(topic: string, id: string | undefined, cause?: unknown): Error {
  const options = cause === undefined ? undefined : { cause }
  return id !== undefined && REFUSALS.includes(id)
    ? new TopicRejectedError(topic, `Kafka refused topic "${topic}"`, options)
    : new KafkaUnavailableError(
        `could not create topic "${topic}"${id === undefined ? '' : `: ${id}`}`,
        options,
      )
}

/**
 * Kafka topic → error id of a failed CreateTopics, from the broker's answer inside the error; the
 * topics it created have no entry. Undefined when the error carries no answer (Kafka unreachable).
 */
function topicErrors(error: unknown): Map<string, string> | undefined {
  const response = findResponse(error)
  if (response === undefined) return undefined
  const perTopic = new Map<string, string>()
  for (const { name, errorCode } of response.topics) {
    if (errorCode !== 0) perTopic.set(name, protocolErrorsCodesById[errorCode] ?? String(errorCode))
  }
  return perTopic
}

interface CreateTopicsAnswer {
  topics: { name: string; errorCode: number }[]
}

/** The broker's CreateTopics answer a (possibly wrapped) response error holds. */
function findResponse(error: unknown): CreateTopicsAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { response, errors } = error as { response?: unknown; errors?: unknown }
  const topics = (response as { topics?: unknown } | undefined)?.topics
  if (Array.isArray(topics)) return response as CreateTopicsAnswer
  if (!Array.isArray(errors)) return undefined
  for (const inner of errors) {
    const found = findResponse(inner)
    if (found !== undefined) return found
  }
  return undefined
}
