// herald's partition assignment for its consumer group, run by the group's leader on every
// rebalance (Kafka's classic protocol with cooperative rebalancing). It never moves a partition
// that has an owner, so a rebalance for a new topic pauses no other topic: the new topic's
// partitions go to the least-loaded members subscribed to it — the first member that knows a new
// topic reads it at once. Load is evened out only when a member arrives (a scale-out or a
// restart): owners over their fair share give up the surplus, and Kafka's cooperative protocol
// hands it to the newcomer in the rebalance that follows at once.

import type { GroupPartitionsAssigner, GroupPartitionsAssignments } from '@platformatic/kafka'

/** Member id → topic → partitions. */
export type Assignment = Map<string, Map<string, number[]>>

export interface MemberSubscription {
  topics: readonly string[]
  /** What the member says it holds now, topic → partitions. */
  owned: ReadonlyMap<string, readonly number[]>
  /** The generation its ownership dates from; a stale claim loses to a newer one. */
  generation: number
  /** It is joining the group anew (first start, or after it lost its membership). */
  arriving: boolean
}

/**
 * Keeps every partition with its owner; gives each unowned partition to the subscribed member
 * with the fewest partitions so far (ties by member id). When a member arrives, owners above
 * ceil(partitions / members) lose their surplus instead (left unassigned: the protocol revokes
 * them first and assigns them in the next round).
 */
export function assignPartitions(
  members: ReadonlyMap<string, MemberSubscription>,
  partitionsByTopic: ReadonlyMap<string, number>,
): Assignment {
  const ids = [...members.keys()].sort()
  const assignment: Assignment = new Map(ids.map((id) => [id, new Map<string, number[]>()]))
  const owners = currentOwners(members, partitionsByTopic)
  const load = new Map(ids.map((id) => [id, 0]))
  for (const owner of owners.values()) load.set(owner, (load.get(owner) ?? 0) + 1)

  const released = new Set<string>()
  if (ids.some((id) => members.get(id)?.arriving === true)) {
    const total = [...partitionsByTopic.values()].reduce((sum, count) => sum + count, 0)
    const quota = Math.ceil(total / ids.length)
    for (const [key, owner] of [...owners].reverse()) {
      if ((load.get(owner) ?? 0) <= quota) continue
      owners.delete(key)
      released.add(key)
      load.set(owner, (load.get(owner) ?? 0) - 1)
    }
  }

  const subscribed = new Map(ids.map((id) => [id, new Set(members.get(id)?.topics)]))
  for (const topic of [...partitionsByTopic.keys()].sort()) {
    const eligible = ids.filter((id) => subscribed.get(id)?.has(topic) === true)
    for (let partition = 0; partition < (partitionsByTopic.get(topic) ?? 0); partition += 1) {
      const key = partitionKey(topic, partition)
      let owner = owners.get(key)
      if (owner === undefined && !released.has(key) && eligible.length > 0) {
        owner = eligible.reduce((best, id) =>
          (load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best,
        )
        load.set(owner, (load.get(owner) ?? 0) + 1)
      }
      if (owner === undefined) continue
      const byTopic = assignment.get(owner) as Map<string, number[]>
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
    }
  }
  return assignment
}

/** Partition key → member, for claims that still stand: subscribed, existing, newest generation. */
function currentOwners(
  members: ReadonlyMap<string, MemberSubscription>,
  partitionsByTopic: ReadonlyMap<string, number>,
): Map<string, string> {
  const owners = new Map<string, string>()
  const generations = new Map<string, number>()
  for (const id of [...members.keys()].sort()) {
    const member = members.get(id) as MemberSubscription
    const subscribed = new Set(member.topics)
    for (const [topic, partitions] of member.owned) {
      if (!subscribed.has(topic)) continue
      for (const partition of partitions) {
        if (partition >= (partitionsByTopic.get(topic) ?? 0)) continue
        const key = partitionKey(topic, partition)
        if ((generations.get(key) ?? -Infinity) >= member.generation) continue
        owners.set(key, id)
        generations.set(key, member.generation)
      }
    }
  }
  return owners
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`

/** What a member puts in its subscription's user data: whether it is arriving. */
export function encodeArrival(arriving: boolean): Buffer {
  return Buffer.from([arriving ? 1 : 0])
}

/** The library's hook: decodes the members' subscriptions and applies assignPartitions. */
export const heraldAssigner: GroupPartitionsAssigner = (_leader, members, _topics, metadata) => {
  const subscriptions = new Map<string, MemberSubscription>()
  for (const [id, member] of members) {
    const userData = member.metadata
    subscriptions.set(id, {
      topics: member.topics ?? [],
      owned: new Map((member.ownedPartitions ?? []).map((a) => [a.topic, a.partitions])),
      generation: member.generationId ?? -1,
      // A member that is not herald's (no user data of ours) never claims to be arriving.
      arriving: Buffer.isBuffer(userData) && userData.length === 1 && userData[0] === 1,
    })
  }
  const partitionsByTopic = new Map(
    [...metadata.topics].map(([topic, { partitionsCount }]) => [topic, partitionsCount]),
  )
  const result: GroupPartitionsAssignments[] = []
  for (const [memberId, byTopic] of assignPartitions(subscriptions, partitionsByTopic)) {
    result.push({
      memberId,
      assignments: new Map(
        [...byTopic].map(([topic, partitions]) => [topic, { topic, partitions }]),
      ),
    })
  }
  return result
}
