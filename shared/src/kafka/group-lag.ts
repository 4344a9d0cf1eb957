// The consumer group's lag as Kafka sees it: for every partition of every herald topic, the
// records between the group's committed offset (or, with none, the first kept: where a member
// starts) and the partition's end. Read from Kafka, not from any member, so a stalled or stopped
// member's partitions count too: what an alert on stalled delivery needs.

import { Admin } from '@platformatic/kafka'

import { heraldTopicName, type KafkaClient } from './client.js'
import { KafkaUnavailableError } from './errors.js'

export interface GroupLagOptions {
  groupId: string
  topicPrefix: string
  /** herald topics the group does not consume (the dead-letter topic). */
  ignoredTopics: readonly string[]
}

/** Kafka's ListOffsets timestamps for "first kept" and "next to be written". */
const EARLIEST = -2n
const LATEST = -1n

type OffsetsByPartition = Map<string, bigint>
const keyOf = (kafkaTopic: string, partition: number): string => `${kafkaTopic}\u0000${partition}`

export class GroupLagReader {
  readonly #admin: Admin
  readonly #options: GroupLagOptions

  constructor(kafka: KafkaClient, options: GroupLagOptions) {
    this.#admin = kafka.watch(new Admin(kafka.baseOptions('lag')), 'lag')
    this.#options = options
  }

  /** Records the group has yet to deliver, summed over every partition of every herald topic. */
  async read(): Promise<bigint> {
    try {
      const { topicPrefix, ignoredTopics, groupId } = this.#options
      const names = (await this.#admin.listTopics()).filter((name) => {
        const topic = heraldTopicName(topicPrefix, name)
        return topic !== undefined && !ignoredTopics.includes(topic)
      })
      if (names.length === 0) return 0n
      const metadata = await this.#admin.metadata({ topics: names })
      const partitions = [...metadata.topics].map(([name, { partitionsCount }]) => ({
        name,
        partitions: Array.from({ length: partitionsCount }, (_, index) => index),
      }))
      const [groups, ends] = await Promise.all([
        this.#admin.listConsumerGroupOffsets({ groups: [groupId] }),
        this.#offsetsAt(partitions, LATEST),
      ])
      const committed: OffsetsByPartition = new Map()
      for (const topic of groups[0]?.topics ?? [])
        for (const { partitionIndex, committedOffset } of topic.partitions)
          if (committedOffset >= 0n)
            committed.set(keyOf(topic.name, partitionIndex), committedOffset)
      const uncommitted = partitions
        .map(({ name, partitions: indexes }) => ({
          name,
          partitions: indexes.filter((index) => !committed.has(keyOf(name, index))),
        }))
        .filter(({ partitions: indexes }) => indexes.length > 0)
      const starts =
        uncommitted.length === 0
          ? new Map<string, bigint>()
          : await this.#offsetsAt(uncommitted, EARLIEST)
      let lag = 0n
      for (const [key, end] of ends) {
        const from = committed.get(key) ?? starts.get(key) ?? end
        if (end > from) lag += end - from
      }
      return lag
    } catch (error) {
      throw new KafkaUnavailableError('could not read the consumer group lag', { cause: error })
    }
  }

  async close(): Promise<void> {
    await this.#admin.close()
  }

  async #offsetsAt(
    topics: readonly { name: string; partitions: readonly number[] }[],
    timestamp: bigint,
  ): Promise<OffsetsByPartition> {
    const listed = await this.#admin.listOffsets({
      topics: topics.map(({ name, partitions }) => ({
        name,
        partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })),
      })),
    })
    const offsets: OffsetsByPartition = new Map()
    for (const topic of listed)
      for (const { partitionIndex, offset } of topic.partitions)
        offsets.set(keyOf(topic.name, partitionIndex), offset)
    return offsets
  }
}
