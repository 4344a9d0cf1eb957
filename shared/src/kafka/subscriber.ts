// Consumes every herald topic once per process, as one member of a consumer group shared by all
// consumer instances. kafkajs resolves a subscription only when it starts, so a watcher lists the
// topics — at once when told of a new one (refreshNow), and every `refreshIntervalMs` for topics
// nobody announced — and re-subscribes when the set changed: a topic created after start-up is
// delivered from its first record.

import type { Consumer, ConsumerRunConfig, EachBatchPayload, KafkaMessage } from 'kafkajs'
import type { Logger } from 'pino'

import { SubscriptionAwareAssigner } from './assigner.js'
import { heraldTopicName, kafkaTopicName, type KafkaClient } from './client.js'
import type { TopicAdmin } from './topic-admin.js'

/** One record as herald sees it, whichever Kafka client wrote it. */
export interface ConsumedRecord {
  /** herald topic name (without the prefix). */
  topic: string
  partition: number
  offset: string
  timestamp: number
  key: string | null
  value: Buffer | null
}

export interface SubscriberOptions {
  groupId: string
  topicPrefix: string
  /** How often to look for topics created or deleted since the last look, unannounced. */
  refreshIntervalMs: number
  /**
   * Called once per record, in offset order per partition; its offset is committed after it
   * returns (after the promise it returns settles, when it returns one).
   */
  onRecord: (record: ConsumedRecord) => void | Promise<void>
  /** Topics never consumed (the dead-letter topic). */
  ignoredTopics: readonly string[]
  /** Called when kafkajs gives up; the process should exit and be restarted. */
  onFatal: (error: Error) => void
}

export class KafkaSubscriber {
  readonly #kafka: KafkaClient
  readonly #admin: TopicAdmin
  readonly #options: SubscriberOptions
  readonly #logger: Logger
  #consumer: Consumer | undefined
  #topics: string[] = []
  #joined = false
  #refreshTimer: NodeJS.Timeout | undefined
  #refreshing: Promise<void> = Promise.resolve()
  /** A look was asked for while one ran (or before start): make another right after it. */
  #refreshRequested = false
  #stopped = false

  constructor(kafka: KafkaClient, admin: TopicAdmin, options: SubscriberOptions, logger: Logger) {
    this.#kafka = kafka
    this.#admin = admin
    this.#options = options
    this.#logger = logger
  }

  /** True once the group was joined (or there is nothing to consume yet). */
  get ready(): boolean {
    return this.#joined
  }

  /** How many topics this process consumes now. */
  get topicCount(): number {
    return this.#topics.length
  }

  /** Subscribes to the topics that exist now and starts watching for new ones. */
  async start(): Promise<void> {
    await this.#resubscribe(await this.#listTopics())
    this.#scheduleRefresh()
  }

  /** Stops consuming, commits what was handed over and leaves the group. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#refreshTimer)
    await this.#refreshing
    this.#joined = false
    await this.#consumer?.disconnect()
    this.#consumer = undefined
  }

  /**
   * Looks for new topics now instead of at the next interval (a producer announced some). Calls
   * while a look runs fold into one more look after it.
   */
  refreshNow(): void {
    if (this.#stopped) return
    if (this.#refreshTimer === undefined) {
      this.#refreshRequested = true
      return
    }
    clearTimeout(this.#refreshTimer)
    this.#runRefresh()
  }

  #scheduleRefresh(): void {
    const delay = this.#refreshRequested ? 0 : this.#options.refreshIntervalMs
    this.#refreshRequested = false
    this.#refreshTimer = setTimeout(() => this.#runRefresh(), delay)
  }

  #runRefresh(): void {
    this.#refreshTimer = undefined
    this.#refreshing = this.#refresh()
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not refresh topics'))
      .finally(() => {
        if (!this.#stopped) this.#scheduleRefresh()
      })
  }

  async #listTopics(): Promise<string[]> {
    const topics = await this.#admin.listTopics()
    return topics.filter((topic) => !this.#options.ignoredTopics.includes(topic))
  }

  async #refresh(): Promise<void> {
    const topics = await this.#listTopics()
    if (this.#stopped || sameList(topics, this.#topics)) return
    const added = topics.filter((topic) => !this.#topics.includes(topic))
    const removed = this.#topics.filter((topic) => !topics.includes(topic))
    this.#logger.info(
      { topics: topics.length, added, removed },
      'topic set changed; re-subscribing',
    )
    if (removed.length === 0 && this.#consumer !== undefined) await this.#addTopics(added, topics)
    else await this.#resubscribe(topics)
  }

  /**
   * kafkajs takes new subscriptions only while stopped: stop, add, run again. The pause this makes
   * on the other topics is one rebalance; README › Delivery guarantees gives its measured length.
   */
  async #addTopics(added: string[], topics: string[]): Promise<void> {
    const consumer = this.#consumer as Consumer
    try {
      await consumer.stop()
      await consumer.subscribe({ topics: this.#kafkaNames(added), fromBeginning: true })
      await consumer.run(this.#runConfig())
      this.#topics = topics
    } catch (error) {
      await this.#drop(consumer)
      throw error
    }
  }

  /** kafkajs cannot drop a subscription: a topic set that lost topics gets a fresh group member. */
  async #resubscribe(topics: string[]): Promise<void> {
    await this.#consumer?.disconnect()
    this.#consumer = undefined
    this.#topics = topics
    if (topics.length === 0) {
      this.#joined = true
      return
    }
    const consumer = this.#kafka.consumer({
      groupId: this.#options.groupId,
      partitionAssigners: [SubscriptionAwareAssigner],
      allowAutoTopicCreation: false,
      // A consumer that died hands its partitions over after 10 s. Not less: a broker that stalls
      // longer than the session expires every member at once when it resumes.
      sessionTimeout: 10_000,
      // Members learn of a rebalance at their next heartbeat: keep that wait short.
      heartbeatInterval: 300,
      // Bounds how long a stop (for a new topic) waits for an idle fetch; records arrive as soon
      // as they exist anyway.
      maxWaitTimeInMs: 100,
    })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#joined = true
      const partitions = Object.values(payload.memberAssignment).flat().length
      this.#logger.info(
        { leader: payload.isLeader, partitions, durationMs: payload.duration },
        'joined the consumer group',
      )
    })
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.#options.onFatal(payload.error)
    })
    this.#consumer = consumer
    try {
      await consumer.connect()
      // A topic this group never read (a new one above all) is read from its first record.
      await consumer.subscribe({ topics: this.#kafkaNames(topics), fromBeginning: true })
      await consumer.run(this.#runConfig())
    } catch (error) {
      await this.#drop(consumer)
      throw error
    }
  }

  /** Leaves no half-started member behind; the next refresh subscribes the whole set again. */
  async #drop(consumer: Consumer): Promise<void> {
    this.#consumer = undefined
    this.#topics = []
    await consumer.disconnect().catch(() => undefined)
  }

  #runConfig(): ConsumerRunConfig {
    return {
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#deliverBatch(payload),
    }
  }

  #kafkaNames(topics: readonly string[]): string[] {
    return topics.map((topic) => kafkaTopicName(this.#options.topicPrefix, topic))
  }

  async #deliverBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload
    const topic = heraldTopicName(this.#options.topicPrefix, batch.topic)
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return
      if (topic !== undefined) {
        // Delivery is synchronous but for the rare record that goes to the dead-letter topic.
        const pending = this.#options.onRecord(toConsumedRecord(topic, batch.partition, message))
        if (pending !== undefined) await pending
      }
      payload.resolveOffset(message.offset)
    }
    await payload.heartbeat()
  }
}

export function toConsumedRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? null,
    value: message.value,
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index])
}
