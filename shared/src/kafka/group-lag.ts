// The consumer group's lag as Kafka sees it: for every partition of every herald topic, the
// records between the group's committed offset (or, with none, the first kept: where a member
// starts) and the partition's end. Read from Kafka, not from any member, so a stalled or stopped
// member's partitions count too: what an alert on stalled delivery needs. Per partition for the
// operator API; all of it in one round of requests (listing, metadata, the group's commits and the
// ends, then the starts of uncommitted partitions), however many topics there are.

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

/** One partition's share of the group's lag. */
export interface PartitionLag {
  /** herald topic name (without the prefix). */
  topic: string
  partition: number
  /** The partition's end: the offset of the next record written. */
  end: bigint
  /** The group's committed offset, or null when it has none (it starts at the first kept). */
  committed: bigint | null
  /** Records between the group's position (committed, else first kept) and the end. */
  lag: bigint
}

type OffsetsByPartition = Map<string, bigint>
/** How `partitionLags` keys the offsets it is given. */
export const lagOffsetKey = (kafkaTopic: string, partition: number): string =>
  `${kafkaTopic}\u0000${partition}`

export class GroupLagReader {
  readonly #admin: Admin
  readonly #options: GroupLagOptions

  constructor(kafka: KafkaClient, options: GroupLagOptions) {
    this.#admin = kafka.watch(new Admin(kafka.baseOptions('lag')), 'lag')
    this.#options = options
  }

  /** Records the group has yet to deliver, summed over every partition of every herald topic. */
  async read(): Promise<bigint> {
    return (await this.readPartitions()).reduce((sum, { lag }) => sum + lag, 0n)
  }

  /** The group's lag in each partition of every herald topic. */
  async readPartitions(): Promise<PartitionLag[]> {
    try {
      const { topicPrefix, ignoredTopics, groupId } = this.#options
      const names = (await this.#admin.listTopics()).filter((name) => {
        const topic = heraldTopicName(topicPrefix, name)
        return topic !== undefined && !ignoredTopics.includes(topic)
      })
      if (names.length === 0) return []
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
            committed.set(lagOffsetKey(topic.name, partitionIndex), committedOffset)
      const uncommitted = partitions
        .map(({ name, partitions: indexes }) => ({
          name,
          partitions: indexes.filter((index) => !committed.has(lagOffsetKey(name, index))),
        }))
        .filter(({ partitions: indexes }) => indexes.length > 0)
      const starts =
        uncommitted.length === 0
          ? new Map<string, bigint>()
          : await this.#offsetsAt(uncommitted, EARLIEST)
      return partitionLags(partitions, { ends, committed, starts }, topicPrefix)
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
        offsets.set(lagOffsetKey(topic.name, partitionIndex), offset)
    return offsets
  }
}

/**
 * Each partition's lag from the offsets Kafka gave (keyed by Kafka topic and partition): the end
 * less the committed offset, or less the first kept one when nothing is committed; never below 0
 * (a commit past a truncated end). A partition whose end is unknown is left out.
 */
export function partitionLags(
  topics: readonly { name: string; partitions: readonly number[] }[],
  offsets: { ends: OffsetsByPartition; committed: OffsetsByPartition; starts: OffsetsByPartition },
  topicPrefix: string,
): PartitionLag[] {
  const lags: PartitionLag[] = []
  for (const { name, partitions } of topics) {
    const topic = heraldTopicName(topicPrefix, name)
    if (topic === undefined) continue
    for (const partition of partitions) {
      const key = lagOffsetKey(name, partition)
      const end = offsets.ends.get(key)
      if (end === undefined) continue
      const committed = offsets.committed.get(key) ?? null
      const from = committed ?? offsets.starts.get(key) ?? end
      lags.push({ topic, partition, end, committed, lag: end > from ? end - from : 0n })
    }
  }
  return lags
}
