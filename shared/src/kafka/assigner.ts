// A partition assigner that gives a topic's partitions only to members subscribed to it.
// kafkajs's round-robin assigner hands every topic of any member to all members alike; a member
// that has not yet noticed a brand-new topic then drops the partitions it got, and they sit idle
// until the next rebalance. With this assigner the first member that knows a new topic reads it
// at once, and the others take their share when they subscribe too.

import kafkajs from 'kafkajs'
import type { PartitionAssigner } from 'kafkajs'

const { AssignerProtocol } = kafkajs

/** Member id → topic → partitions. */
export type Assignment = Map<string, Map<string, number[]>>

/**
 * Spreads each topic's partitions over the members subscribed to it, always to the member with
 * the fewest partitions so far (ties by member id), so the load stays even across topics.
 */
export function assignPartitions(
  subscriptions: ReadonlyMap<string, readonly string[]>,
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Assignment {
  const assignment: Assignment = new Map()
  const load = new Map<string, number>()
  for (const memberId of [...subscriptions.keys()].sort()) {
    assignment.set(memberId, new Map())
    load.set(memberId, 0)
  }
  for (const topic of [...partitionsByTopic.keys()].sort()) {
    const eligible = [...subscriptions.entries()]
      .filter(([, topics]) => topics.includes(topic))
      .map(([memberId]) => memberId)
      .sort()
    if (eligible.length === 0) continue
    for (const partition of [...(partitionsByTopic.get(topic) ?? [])].sort((a, b) => a - b)) {
      const memberId = eligible.reduce((best, candidate) =>
        (load.get(candidate) ?? 0) < (load.get(best) ?? 0) ? candidate : best,
      )
      const topics = assignment.get(memberId) as Map<string, number[]>
      topics.set(topic, [...(topics.get(topic) ?? []), partition])
      load.set(memberId, (load.get(memberId) ?? 0) + 1)
    }
  }
  return assignment
}

export const SubscriptionAwareAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'HeraldSubscriptionAware',
  version: 1,
  assign({ members, topics }) {
    const subscriptions = new Map(
      members.map(({ memberId, memberMetadata }) => [
        memberId,
        AssignerProtocol.MemberMetadata.decode(memberMetadata)?.topics ?? [],
      ]),
    )
    const partitionsByTopic = new Map(
      topics.map((topic) => [
        topic,
        cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId),
      ]),
    )
    const assignments = [...assignPartitions(subscriptions, partitionsByTopic)].map(
      ([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: this.version,
          assignment: Object.fromEntries(byTopic),
          userData: Buffer.alloc(0),
        }),
      }),
    )
    return Promise.resolve(assignments)
  },
  protocol({ topics }) {
    return {
      name: this.name,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: this.version,
        topics,
        userData: Buffer.alloc(0),
      }),
    }
  },
})
