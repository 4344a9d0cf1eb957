// Where a socket stands after the broadcast path was interrupted: for each topic it watches, per
// partition, the later of its last catch-up's end (it got every record below, replayed) and what
// this instance had applied when interrupted (it was in the room for every one of those).

import type { Position } from '@herald/shared'

import { wantsByTopic } from './catch-up.js'
import type { OffsetsByPartition } from './holding-adapter.js'

export function resumePositions(
  acked: Readonly<Record<string, Position>>,
  reached: OffsetsByPartition,
  entries: readonly string[],
): Record<string, Position> {
  const reachedByTopic = new Map<string, Map<string, bigint>>()
  for (const [partitionKey, next] of reached) {
    const colon = partitionKey.lastIndexOf(':')
    const topic = partitionKey.slice(0, colon)
    const partitions = reachedByTopic.get(topic) ?? new Map<string, bigint>()
    partitions.set(partitionKey.slice(colon + 1), next)
    reachedByTopic.set(topic, partitions)
  }
  const topics = new Set([...Object.keys(acked), ...reachedByTopic.keys()])
  const positions: Record<string, Position> = {}
  for (const topic of wantsByTopic(entries, [...topics]).keys()) {
    const position: Record<string, bigint> = {}
    for (const [partition, offset] of Object.entries(acked[topic] ?? {})) {
      position[partition] = BigInt(offset)
    }
    for (const [partition, next] of reachedByTopic.get(topic) ?? []) {
      const before = position[partition]
      if (before === undefined || next > before) position[partition] = next
    }
    positions[topic] = Object.fromEntries(
      Object.entries(position).map(([partition, offset]) => [partition, offset.toString()]),
    )
  }
  return positions
}
