// The operator API's views, from what Kafka and the instance registry say: each instance as the
// page shows it, and the topics with their lag and owners, sorted and paged.

import type { TopicLagView } from '@herald/shared'
import type { PartitionLag } from '@herald/shared/kafka'
import type { InstanceStatus } from '@herald/shared/service'

import type { TopicsQuery } from './admin-query.js'

/** An instance as `GET /admin/instances` shows it: its status without the registry's own fields. */
export function instanceView(status: InstanceStatus): Record<string, unknown> {
  const { reportMs: _reportMs, ...shown } = status
  if (shown.role === 'producer') return shown
  const { held: _held, ...consumer } = shown
  return consumer
}

/** Which consumer holds each `<topic>:<partition>`; the first by name if two claim one mid-rebalance. */
function ownersByPartition(instances: readonly InstanceStatus[]): Map<string, string> {
  const owners = new Map<string, string>()
  const consumers = instances
    .filter((status) => status.role === 'consumer')
    .sort((a, b) => a.name.localeCompare(b.name))
  for (const consumer of consumers)
    for (const held of consumer.held) if (!owners.has(held)) owners.set(held, consumer.name)
  return owners
}

/** The topics matching the search, by lag (most first) then name, and the page asked for. */
export function topicsPage(
  lags: readonly PartitionLag[],
  instances: readonly InstanceStatus[],
  { search, limit, offset }: TopicsQuery,
): { total: number; topics: TopicLagView[] } {
  const needle = search.toLowerCase()
  const owners = ownersByPartition(instances)
  const byTopic = new Map<string, TopicLagView>()
  for (const { topic, partition, end, committed, lag } of lags) {
    if (!topic.toLowerCase().includes(needle)) continue
    let view = byTopic.get(topic)
    if (view === undefined) {
      view = { topic, partitions: 0, lag: 0, owners: [], detail: [] }
      byTopic.set(topic, view)
    }
    const owner = owners.get(`${topic}:${partition}`) ?? null
    view.partitions += 1
    view.lag += Number(lag)
    view.detail.push({
      partition,
      end: end.toString(),
      committed: committed === null ? null : committed.toString(),
      lag: Number(lag),
      owner,
    })
  }
  const sorted = [...byTopic.values()].sort(
    (a, b) => b.lag - a.lag || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0),
  )
  const topics = sorted.slice(offset, offset + limit)
  for (const view of topics) {
    view.detail.sort((a, b) => a.partition - b.partition)
    view.owners = [
      ...new Set(view.detail.flatMap(({ owner }) => (owner === null ? [] : [owner]))),
    ].sort()
  }
  return { total: sorted.length, topics }
}
