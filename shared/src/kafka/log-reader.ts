// Reads ranges of a topic's log on demand: the history API and the catch-up of a reconnecting
// socket. No consumer group: each read fetches the partition from its leader, from the offset it
// asks for, until the range is in hand; nothing is committed.

import { Consumer } from '@platformatic/kafka'
import type { Logger } from 'pino'

import { kafkaTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError } from './errors.js'
import { recordsFromBatches, type ConsumedRecord } from './fetched-records.js'

export interface LogReaderOptions {
  topicPrefix: string
  /** Longest a read may take before it fails with KafkaUnavailableError. */
  readTimeoutMs: number
}

const PARTITION_MAX_BYTES = 1024 * 1024

export class KafkaLogReader {
  readonly #reader: Consumer
  readonly #options: LogReaderOptions
  readonly #logger: Logger
  /**
   * Fetches run one at a time: they share one fetch session per broker, and two at once would
   * make the broker refuse one's session epoch.
   */
  #fetches: Promise<unknown> = Promise.resolve()
  #stopped = false

  constructor(kafka: KafkaClient, options: LogReaderOptions, logger: Logger) {
    // A consumer that never joins a group: it only fetches (the library needs a group id anyway).
    this.#reader = kafka.watch(
      new Consumer({
        ...kafka.baseOptions('reader'),
        groupId: `${kafka.settings.clientId}-reader`,
      }),
      'reader',
    )
    this.#options = options
    this.#logger = logger
  }

  /**
   * The records of `topic`/`partition` with offsets in [from, to), in offset order; with `keep`,
   * only those it keeps (the others are dropped fetch by fetch, so a long scan holds only what it
   * keeps). With `withHeaders`, each record carries all its headers.
   */
  async read(
    topic: string,
    partition: number,
    from: bigint,
    to: bigint,
    keep?: (record: ConsumedRecord) => boolean,
    withHeaders = false,
  ): Promise<ConsumedRecord[]> {
    if (from >= to) return []
    if (this.#stopped) throw new KafkaUnavailableError('reader stopped')
    const deadline = Date.now() + this.#options.readTimeoutMs
    const kafkaTopic = kafkaTopicName(this.#options.topicPrefix, topic)
    const records: ConsumedRecord[] = []
    let next = from
    while (next < to) {
      if (Date.now() > deadline) {
        throw new KafkaUnavailableError(
          `reading ${topic}:${partition} took over ${this.#options.readTimeoutMs} ms`,
        )
      }
      const answer = await this.#fetch(kafkaTopic, partition, next)
      const fetched = recordsFromBatches(topic, partition, answer.batches, next, to, withHeaders)
      for (const record of fetched.records)
        if (keep === undefined || keep(record)) records.push(record)
      // Offsets may skip (compaction, transaction markers): the range is done once the log has
      // nothing further.
      if (fetched.next <= next || answer.highWatermark <= fetched.next) break
      next = fetched.next
    }
    return records
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#fetches.catch(() => undefined)
    await this.#reader.close()
  }

  #fetch(kafkaTopic: string, partition: number, offset: bigint): Promise<PartitionAnswer> {
    const fetch = this.#fetches
      .catch(() => undefined)
      .then(() => this.#fetchNow(kafkaTopic, partition, offset))
    this.#fetches = fetch
    return fetch
  }

  async #fetchNow(kafkaTopic: string, partition: number, offset: bigint): Promise<PartitionAnswer> {
    try {
      const metadata = await this.#reader.metadata({ topics: [kafkaTopic] })
      const topic = metadata.topics.get(kafkaTopic)
      const leader = topic?.partitions[partition]?.leader
      if (topic === undefined || leader === undefined || leader < 0) {
        throw new KafkaUnavailableError(`${kafkaTopic}:${partition} has no leader`)
      }
      const response = await this.#reader.fetch({
        node: leader,
        topics: [
          {
            topicId: topic.id,
            partitions: [
              {
                partition,
                fetchOffset: offset,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: PARTITION_MAX_BYTES,
              },
            ],
          },
        ],
        // The range exists already: answer with what is there, never wait for more.
        maxWaitTime: 0,
        isolationLevel: 0,
      })
      const answer = response.responses
        .find(({ topicId }) => topicId === topic.id)
        ?.partitions.find(({ partitionIndex }) => partitionIndex === partition)
      return { batches: answer?.records, highWatermark: answer?.highWatermark ?? 0n }
    } catch (error) {
      if (error instanceof KafkaUnavailableError) throw error
      this.#logger.debug({ err: error, topic: kafkaTopic, partition }, 'log read failed')
      throw new KafkaUnavailableError(`could not read ${kafkaTopic}:${partition}`, {
        cause: error,
      })
    }
  }
}

interface PartitionAnswer {
  batches: Parameters<typeof recordsFromBatches>[2]
  highWatermark: bigint
}
