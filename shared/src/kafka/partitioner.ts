// Which partition a record goes to, decided by herald rather than by the Kafka client, so that a
// change of client never moves a key: a keyed record goes where Java's default partitioner (and
// kafkajs's, and librdkafka's murmur2_random) puts it, toPositive(murmur2(utf8(key))) mod the
// partition count; unkeyed records take the partitions in turn.

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) of `data`, as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const blocks = length >> 2
  for (let i = 0; i < blocks; i++) {
    const at = i * 4
    let k =
      (data[at] as number) |
      ((data[at + 1] as number) << 8) |
      ((data[at + 2] as number) << 16) |
      ((data[at + 3] as number) << 24) |
      0
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // The last 1–3 bytes, highest first, as Java's fall-through switch takes them.
  const tail = blocks * 4
  const rest = length & 3
  if (rest === 3) h ^= (data[tail + 2] as number) << 16
  if (rest >= 2) h ^= (data[tail + 1] as number) << 8
  if (rest >= 1) {
    h ^= data[tail] as number
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** The partition of a record with `key` in a topic of `partitions` partitions. */
export function partitionForKey(key: string, partitions: number): number {
  // Java's Utils.toPositive: clear the sign bit (not Math.abs, which differs for -2^31).
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions
}

/** Spreads unkeyed records over a topic's partitions in turn, from a random start per topic. */
export class RoundRobinPartitions {
  readonly #next = new Map<string, number>()

  next(topic: string, partitions: number): number {
    const counter = this.#next.get(topic) ?? Math.floor(Math.random() * partitions)
    this.#next.set(topic, counter + 1)
    return counter % partitions
  }
}
