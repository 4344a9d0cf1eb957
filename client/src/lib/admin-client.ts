// The operator's API (`/admin/*`) and the topic history, read with the admin token. Each call answers
// the value or the API's error, never throws: the page shows the error and keeps what it had.

import { formatPositionQuery, type Notification, type Position } from '@herald/shared'

import { getJson, type ApiResult } from './api-answer'

export interface InstanceHealth {
  name: string
  role: 'producer' | 'consumer'
  ready: boolean
  /** Milliseconds since the epoch. */
  startedAt: number
  /** When the instance last reported. */
  seenAt: number
  rssBytes: number
  heapUsedBytes: number
  /** Producers may report the requests they answered. */
  requests?: number
  // Consumers only:
  connections?: number
  subscriptions?: number
  topics?: number
  partitions?: number
  lagRecords?: number
  paused?: 'outbound' | 'redis' | null
  behind?: boolean
  deadLetters?: number
  slowConsumersCut?: number
}

export interface InstancesReport {
  instances: InstanceHealth[]
  /** The group's records not committed yet, from Kafka. */
  groupLagRecords: number
}

export interface PartitionDetail {
  partition: number
  /** The partition's end offset (decimal string: Kafka offsets are 64-bit). */
  end: string
  /** The group's committed offset, `null` when it committed none. */
  committed: string | null
  lag: number
  /** The consumer instance reading it, `null` when none holds it. */
  owner: string | null
}

export interface TopicSummary {
  topic: string
  partitions: number
  lag: number
  owners: string[]
  detail: PartitionDetail[]
}

export interface TopicsPage {
  /** Topics matching the search, on every page. */
  total: number
  /** Sorted by lag, most first. */
  topics: TopicSummary[]
}

export interface TopicsQuery {
  search: string
  limit: number
  offset: number
}

export interface DeadLetter {
  reason: string
  topic: string
  partition: number
  offset: string
  deadLetterOffset: string
  timestamp: number
  bytes: number
  preview: string
}

export interface HistoryPage {
  topic: string
  /** Oldest first. */
  messages: Notification[]
  /** Where the following page starts. */
  next: Position
}

export interface AdminClient {
  instances(): Promise<ApiResult<InstancesReport>>
  topics(query: TopicsQuery): Promise<ApiResult<TopicsPage>>
  deadLetters(limit: number): Promise<ApiResult<DeadLetter[]>>
  /** The latest `limit` records, or the first `limit` after `since`. */
  history(
    topic: string,
    query: { limit: number; since?: Position },
  ): Promise<ApiResult<HistoryPage>>
}

const isObject = (body: unknown): body is Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body)

const isInstancesReport = (body: unknown): body is InstancesReport =>
  isObject(body) && Array.isArray(body.instances) && typeof body.groupLagRecords === 'number'

const isTopicsPage = (body: unknown): body is TopicsPage =>
  isObject(body) && typeof body.total === 'number' && Array.isArray(body.topics)

const isDeadLetters = (body: unknown): body is { deadLetters: DeadLetter[] } =>
  isObject(body) && Array.isArray(body.deadLetters)

const isHistoryPage = (body: unknown): body is HistoryPage =>
  isObject(body) && Array.isArray(body.messages) && isObject(body.next)

/** `token` is read at each call, so a pasted token takes effect at the next poll. */
export function createAdminClient(
  token: () => string | undefined,
  fetchFn: typeof fetch = fetch.bind(globalThis),
): AdminClient {
  return {
    instances: () => getJson(fetchFn, '/admin/instances', token(), isInstancesReport),
    topics({ search, limit, offset }) {
      const query = new URLSearchParams({ search, limit: String(limit), offset: String(offset) })
      return getJson(fetchFn, `/admin/topics?${query}`, token(), isTopicsPage)
    },
    async deadLetters(limit) {
      const answer = await getJson(
        fetchFn,
        `/admin/dead-letters?limit=${limit}`,
        token(),
        isDeadLetters,
      )
      return answer.ok ? { ok: true, value: answer.value.deadLetters } : answer
    },
    history(topic, { limit, since }) {
      const query = new URLSearchParams({ limit: String(limit) })
      if (since !== undefined && Object.keys(since).length > 0) {
        query.set('since', formatPositionQuery(since))
      }
      return getJson(
        fetchFn,
        `/topics/${encodeURIComponent(topic)}/messages?${query}`,
        token(),
        isHistoryPage,
      )
    },
  }
}
