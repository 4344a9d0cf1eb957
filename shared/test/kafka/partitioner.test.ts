import { describe, expect, it } from 'vitest'

import { murmur2, partitionForKey, RoundRobinPartitions } from '../../src/kafka/partitioner.js'

// Computed with Apache Kafka 4.2.2's own Utils.murmur2 and Utils.toPositive (kafka-clients on
// Java 17): the key, its murmur2, and its partition for 1, 3, 7, 16 and 100 partitions.
const JAVA_VECTORS: [string, number, number[]][] = [
  ['', 275646681, [0, 0, 2, 9, 81]],
  ['a', -1563381124, [0, 1, 5, 12, 24]],
  ['21', -973932308, [0, 0, 3, 12, 40]],
  ['user-42', 1459644460, [0, 1, 1, 12, 60]],
  ['order-1001', 297523878, [0, 0, 1, 6, 78]],
  ['héllo', 614509002, [0, 0, 2, 10, 2]],
  ['ключ', 2122343024, [0, 2, 4, 0, 24]],
  ['🙂 emoji', 709957530, [0, 0, 2, 10, 30]],
  ['k0', -704538303, [0, 2, 2, 1, 45]],
  ['k1', 1684045097, [0, 2, 0, 9, 97]],
  ['k2', 380483553, [0, 0, 2, 1, 53]],
  ['k3', 1676809936, [0, 1, 4, 0, 36]],
  ['k4', 2081920360, [0, 1, 2, 8, 60]],
  ['k5', 1075192044, [0, 0, 3, 12, 44]],
  ['k6', 212943985, [0, 1, 2, 1, 85]],
  ['a-much-longer-key-that-spans-several-four-byte-blocks', 1817844729, [0, 0, 1, 9, 29]],
]
const COUNTS = [1, 3, 7, 16, 100]

describe('partitionForKey', () => {
  it.each(JAVA_VECTORS)('hashes %j as Kafka Java clients do', (key, hash, partitions) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(hash)
    expect(COUNTS.map((count) => partitionForKey(key, count))).toEqual(partitions)
  })
})

describe('RoundRobinPartitions', () => {
  it('takes every partition of a topic in turn', () => {
    const spread = new RoundRobinPartitions()
    const taken = Array.from({ length: 6 }, () => spread.next('t', 3))
    expect(new Set(taken.slice(0, 3))).toEqual(new Set([0, 1, 2]))
    expect(taken.slice(3)).toEqual(taken.slice(0, 3))
  })
})
