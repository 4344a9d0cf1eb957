// Sends records to Kafka and resolves each only once all in-sync replicas acknowledged it, or
// rejects within the caller's deadline. One long-lived idempotent producer per process.
//
// Concurrent publishes are coalesced: records wait at most `lingerMs` (or until a send slot is
// free) and go out together in one produce request, one record batch per partition. herald picks
// each record's partition itself (partitioner.ts: the murmur2 rule of Java clients, so a key
// stays on its partition whatever client herald uses) — which lets it tell every record its own
// offset: the partition's base offset plus the record's place in that partition's batch.

import {
  Producer,
  type MessageToProduce,
  type TopicWithPartitionAndOffset,
} from '@platformatic/kafka'
import type { Logger } from 'pino'

import type { PublishReceipt } from '../notification.js'
import { kafkaTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError } from './errors.js'
import { partitionForKey, RoundRobinPartitions } from './partitioner.js'
import type { TopicAdmin } from './topic-admin.js'

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
  /**
   * Longest a record waits for others to share its produce request.
   * @default 1
   */
  lingerMs?: number
  /**
   * Produce requests in flight at once; further records wait and go out together.
   * @default 1 (the idempotent producer sends one request per broker at a time anyway)
   */
  maxInFlight?: number
}

interface Pending {
  record: OutgoingRecord
  partition: number
  bytes: number
  /** The caller was answered "not confirmed" at this time: the record must not be sent after. */
  expiresAt: number
  resolve: (receipt: PublishReceipt) => void
  reject: (error: Error) => void
}

/** One produce request carries at most this much, well under Kafka's 1 MiB batch limit. */
const MAX_FLUSH_BYTES = 512 * 1024
const MAX_FLUSH_RECORDS = 2000
/** Records are not sent with less than this (or a quarter of the publish timeout) left. */
const MAX_SEND_MARGIN_MS = 1000

export class KafkaPublisher {
  readonly #producer: Producer
  readonly #admin: TopicAdmin
  readonly #options: Required<PublisherOptions>
  readonly #logger: Logger
  readonly #unkeyed = new RoundRobinPartitions()
  #queue: Pending[] = []
  #flushTimer: NodeJS.Timeout | undefined
  #inFlight = 0
  #connected = false
  #closed = false

  constructor(kafka: KafkaClient, admin: TopicAdmin, options: PublisherOptions, logger: Logger) {
    this.#producer = kafka.watch(
      new Producer({
        ...kafka.baseOptions('producer'),
        // A request that fails on some partitions (a leader moved, a topic just created) is
        // retried whole: without idempotence the partitions that had succeeded would get their
        // records twice. With it the broker drops the repeats and answers their first offsets. It
        // means acks from all in-sync replicas and one request in flight per broker, which
        // batching makes up for.
        idempotent: true,
        // The library would retry an idempotent send for ever; a publish's own deadline answers
        // the HTTP caller in time, and records whose deadline passed are never sent (#takeBatch).
        retries: 20,
        // Topics are created by TopicAdmin with herald's partition count, never implicitly.
        autocreateTopics: false,
      }),
      'producer',
    )
    this.#admin = admin
    this.#options = { lingerMs: 1, maxInFlight: 1, ...options }
    this.#logger = logger
  }

  get connected(): boolean {
    return this.#connected
  }

  /**
   * Reaches Kafka once, retrying until it answers or the publisher is closed; the producer makes
   * its connections again by itself whenever one breaks later.
   */
  async connect(): Promise<void> {
    while (!this.#closed && !this.#connected) {
      try {
        await this.#producer.listApis()
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
    // The caller's answer is due then, however long the topic took to create.
    const expiresAt = Date.now() + this.#options.timeoutMs
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
      return await Promise.race([this.#enqueue(record, expiresAt), deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  async disconnect(): Promise<void> {
    this.#closed = true
    this.#connected = false
    await this.#producer.close()
  }

  async #enqueue(record: OutgoingRecord, expiresAt: number): Promise<PublishReceipt> {
    const partitions = await this.#admin.ensureTopic(record.topic)
    const partition = this.#partitionOf(record, partitions)
    const bytes = record.value.length + (record.key?.length ?? 0)
    return new Promise<PublishReceipt>((resolve, reject) => {
      this.#queue.push({ record, partition, bytes, expiresAt, resolve, reject })
      if (this.#queue.length >= MAX_FLUSH_RECORDS) this.#flush()
      else this.#flushTimer ??= setTimeout(() => this.#flush(), this.#options.lingerMs)
    })
  }

  #partitionOf(record: OutgoingRecord, partitions: number): number {
    return record.key === undefined
      ? this.#unkeyed.next(record.topic, partitions)
      : partitionForKey(record.key, partitions)
  }

  /** Sends what waits, as one produce request, if a send slot is free. */
  #flush(): void {
    clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
    if (this.#queue.length === 0 || this.#inFlight >= this.#options.maxInFlight) return
    const batch = this.#takeBatch()
    if (batch.length === 0) return
    this.#inFlight += 1
    void this.#send(batch).finally(() => {
      this.#inFlight -= 1
      // Whatever queued up meanwhile leaves at once, together.
      if (this.#queue.length > 0) this.#flush()
    })
  }

  #takeBatch(): Pending[] {
    // A record its caller already got a 503 for stays unsent: "not confirmed" means not stored
    // whenever herald can help it. So does one whose answer is due within the time an
    // acknowledgement may take (new partitions are often not ready for a moment), else it would
    // be stored after its caller heard 503.
    const sendBy = Date.now() + Math.min(MAX_SEND_MARGIN_MS, this.#options.timeoutMs / 4)
    this.#queue = this.#queue.filter((pending) => pending.expiresAt > sendBy)
    let bytes = 0
    let count = 0
    while (count < this.#queue.length && count < MAX_FLUSH_RECORDS) {
      bytes += (this.#queue[count] as Pending).bytes
      if (count > 0 && bytes > MAX_FLUSH_BYTES) break
      count += 1
    }
    return this.#queue.splice(0, count)
  }

  async #send(batch: readonly Pending[]): Promise<void> {
    // Group by topic and partition, keeping each partition's records in arrival order.
    const groups = new Map<string, Map<number, Pending[]>>()
    for (const pending of batch) {
      const byPartition = groups.get(pending.record.topic) ?? new Map<number, Pending[]>()
      groups.set(pending.record.topic, byPartition)
      const records = byPartition.get(pending.partition) ?? []
      byPartition.set(pending.partition, records)
      records.push(pending)
    }
    const messages = [...groups.values()].flatMap((byPartition) =>
      [...byPartition].flatMap(([partition, pendings]) =>
        pendings.map(({ record }) => toMessage(this.#options.topicPrefix, record, partition)),
      ),
    )
    let offsets: readonly TopicWithPartitionAndOffset[]
    let failure: KafkaUnavailableError | undefined
    try {
      offsets = (await this.#producer.send({ messages })).offsets ?? []
    } catch (error) {
      // Partitions led by brokers that did answer were stored; the library says which.
      offsets =
        (error as { produced?: { offsets?: TopicWithPartitionAndOffset[] } }).produced?.offsets ??
        []
      failure = new KafkaUnavailableError('Kafka did not acknowledge the records', { cause: error })
    }
    for (const [topic, byPartition] of groups) {
      const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
      for (const [partition, pendings] of byPartition) {
        const answer = offsets.find((o) => o.topic === kafkaTopic && o.partition === partition)
        if (answer === undefined) {
          const error =
            failure ?? new KafkaUnavailableError(`Kafka answered without an offset for ${topic}`)
          for (const pending of pendings) pending.reject(error)
          continue
        }
        pendings.forEach(({ record, resolve }, index) =>
          resolve({
            topic,
            partition,
            offset: (answer.offset + BigInt(index)).toString(),
            timestamp: record.timestamp,
          }),
        )
      }
    }
  }
}

function toMessage(prefix: string, record: OutgoingRecord, partition: number): MessageToProduce {
  return {
    topic: kafkaTopicName(prefix, record.topic),
    partition,
    ...(record.key === undefined ? {} : { key: Buffer.from(record.key) }),
    value: typeof record.value === 'string' ? Buffer.from(record.value) : record.value,
    timestamp: BigInt(record.timestamp),
    ...(record.headers === undefined
      ? {}
      : {
          headers: new Map(
            Object.entries(record.headers).map(([name, value]) => [
              Buffer.from(name),
              Buffer.from(value),
            ]),
          ),
        }),
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
