// Reads ranges of a topic's log on demand: the history API and the catch-up of a reconnecting
// socket. kafkajs has no manual partition assignment, so each process keeps one consumer in a
// group of its own: as the group's only member it holds every partition. It stays subscribed to
// every herald topic with every partition paused; a read seeks one partition, resumes it until the
// range is in hand, and pauses it again. It never commits offsets: every read says where to start.

import type { Consumer, EachBatchPayload } from 'kafkajs'
import type { Logger } from 'pino'

import { heraldTopicName, kafkaTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError } from './errors.js'
import { toConsumedRecord, type ConsumedRecord } from './subscriber.js'
import type { TopicAdmin } from './topic-admin.js'

export interface LogReaderOptions {
  topicPrefix: string
  /** A group no other process uses, so that this reader is its only member. */
  groupId: string
  /** Longest a read may take before it fails with KafkaUnavailableError. */
  readTimeoutMs: number
}

interface ActiveRead {
  topic: string
  partition: number
  /** Next offset wanted. */
  next: bigint
  /** End of the range, exclusive. */
  to: bigint
  records: ConsumedRecord[]
  done: (error?: Error) => void
}

export class KafkaLogReader {
  readonly #kafka: KafkaClient
  readonly #admin: TopicAdmin
  readonly #options: LogReaderOptions
  readonly #logger: Logger
  readonly #active = new Map<string, ActiveRead>()
  /** Reads of one partition run one after the other: the consumer has one position per partition. */
  readonly #queues = new Map<string, Promise<unknown>>()
  #consumer: Consumer | undefined
  #topics: string[] = []
  #subscribing: Promise<void> = Promise.resolve()
  #pendingSubscribe: Promise<void> | undefined

  constructor(kafka: KafkaClient, admin: TopicAdmin, options: LogReaderOptions, logger: Logger) {
    this.#kafka = kafka
    this.#admin = admin
    this.#options = options
    this.#logger = logger
  }

  /** The records of `topic`/`partition` with offsets in [from, to), in offset order. */
  read(topic: string, partition: number, from: bigint, to: bigint): Promise<ConsumedRecord[]> {
    if (from >= to) return Promise.resolve([])
    const key = `${topic}:${partition}`
    const previous = this.#queues.get(key) ?? Promise.resolve()
    const read = previous.catch(() => undefined).then(() => this.#read(topic, partition, from, to))
    const tail = read.catch(() => undefined)
    this.#queues.set(key, tail)
    void tail.then(() => {
      if (this.#queues.get(key) === tail) this.#queues.delete(key)
    })
    return read
  }

  async stop(): Promise<void> {
    await this.#subscribing
    for (const read of this.#active.values()) read.done(new KafkaUnavailableError('reader stopped'))
    await this.#consumer?.disconnect()
    this.#consumer = undefined
  }

  async #read(
    topic: string,
    partition: number,
    from: bigint,
    to: bigint,
  ): Promise<ConsumedRecord[]> {
    await this.#ensureSubscribed(topic)
    const consumer = this.#consumer as Consumer
    const key = `${topic}:${partition}`
    const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
    return new Promise<ConsumedRecord[]>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          read.done(
            new KafkaUnavailableError(`reading ${key} took over ${this.#options.readTimeoutMs} ms`),
          ),
        this.#options.readTimeoutMs,
      )
      const read: ActiveRead = {
        topic,
        partition,
        next: from,
        to,
        records: [],
        done: (error) => {
          clearTimeout(timer)
          if (this.#active.get(key) !== read) return
          this.#active.delete(key)
          this.#pause(kafkaTopic, partition)
          if (error) reject(error)
          else resolve(read.records)
        },
      }
      this.#active.set(key, read)
      this.#seekAndResume(consumer, read)
    })
  }

  #seekAndResume(consumer: Consumer, read: ActiveRead): void {
    const topic = kafkaTopicName(this.#options.topicPrefix, read.topic)
    consumer.seek({ topic, partition: read.partition, offset: read.next.toString() })
    consumer.resume([{ topic, partitions: [read.partition] }])
  }

  #pause(kafkaTopic: string, partition: number): void {
    try {
      this.#consumer?.pause([{ topic: kafkaTopic, partitions: [partition] }])
    } catch {
      // the consumer is restarting; it comes back with everything paused
    }
  }

  async #deliverBatch({ batch }: EachBatchPayload): Promise<void> {
    const topic = heraldTopicName(this.#options.topicPrefix, batch.topic)
    const read = this.#active.get(`${topic}:${batch.partition}`)
    if (topic === undefined || read === undefined) return
    for (const message of batch.messages) {
      const offset = BigInt(message.offset)
      if (offset < read.next) continue
      if (offset >= read.to) break
      read.records.push(toConsumedRecord(topic, batch.partition, message))
      read.next = offset + 1n
    }
    // Offsets may skip (compaction, transaction markers): the range is done once the batch
    // reaches its end or the partition has nothing further.
    const reachedEnd =
      BigInt(batch.lastOffset()) >= read.to - 1n || BigInt(batch.highWatermark) <= read.next
    if (reachedEnd) read.done()
    return Promise.resolve()
  }

  /** Subscribes to `topic` (and any other new topic) when the reader does not hold it yet. */
  async #ensureSubscribed(topic: string): Promise<void> {
    await this.#subscribing
    if (this.#topics.includes(topic) && this.#consumer !== undefined) return
    // Concurrent first reads share one subscription: check and start with no await between.
    this.#pendingSubscribe ??= this.#subscribe().finally(() => {
      this.#pendingSubscribe = undefined
    })
    this.#subscribing = this.#pendingSubscribe.catch(() => undefined)
    await this.#pendingSubscribe
    if (!this.#topics.includes(topic)) {
      throw new KafkaUnavailableError(`topic "${topic}" does not exist`)
    }
  }

  async #subscribe(): Promise<void> {
    const topics = await this.#admin.listTopics()
    const previous = this.#consumer
    this.#consumer = undefined
    await previous?.disconnect().catch(() => undefined)
    const consumer = this.#kafka.consumer({
      groupId: this.#options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      heartbeatInterval: 1000,
      sessionTimeout: 10_000,
    })
    try {
      await consumer.connect()
      if (topics.length > 0) {
        const names = topics.map((name) => kafkaTopicName(this.#options.topicPrefix, name))
        await consumer.subscribe({ topics: names })
        await consumer.run({
          autoCommit: false,
          eachBatch: (payload) => this.#deliverBatch(payload),
        })
        consumer.pause(names.map((name) => ({ topic: name })))
      }
    } catch (error) {
      await consumer.disconnect().catch(() => undefined)
      throw new KafkaUnavailableError('could not start the log reader', { cause: error })
    }
    this.#consumer = consumer
    this.#topics = topics
    this.#logger.debug({ topics: topics.length }, 'log reader subscribed')
    // Reads cut off by the restart continue where they were.
    for (const read of this.#active.values()) this.#seekAndResume(consumer, read)
  }
}
