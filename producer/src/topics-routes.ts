// The topics API: list and create topics, read a topic's history and its current position.
// Each handler runs validate → act → answer; failures become HTTP answers in errors.ts.

import {
  formatPositionQuery,
  KEY_MAX_LENGTH,
  parsePositionQuery,
  topicProblem,
  type Notification,
  type Position,
} from '@herald/shared'
import {
  readHistory,
  toNotification,
  type KafkaLogReader,
  type TopicAdmin,
} from '@herald/shared/kafka'
import express, { type Request, type RequestHandler, type Response, type Router } from 'express'

import { assertMayCreate, callerOf, maySeeTopic, mayRead } from './callers.js'
import { ApiError } from './errors.js'
import type { Guards } from './guards.js'

export interface TopicsApiDeps {
  admin: Pick<TopicAdmin, 'describeTopics' | 'createTopic' | 'listTopics' | 'offsets' | 'exists'>
  reader: KafkaLogReader
  /** Partitions of a topic created without a count. */
  defaultPartitions: number
  /** Most partitions a topic may be created with. */
  maxPartitions: number
  /** Largest `limit` of a history request. */
  maxHistoryLimit: number
  /** Most offsets a keyed history request scans. */
  keyScanLimit: number
  guards: Guards
}

const DEFAULT_HISTORY_LIMIT = 50

interface TopicMessages {
  topic: string
  /** A keyed request's key. */
  key?: string
  messages: Notification[]
  next: Position
  /** A keyed request: the offsets of the key's partition it looked at (null: no such topic). */
  scanned?: { partition: number; from: string; to: string; limited: boolean } | null
}

export function topicsRouter(
  deps: TopicsApiDeps,
  methodNotAllowed: (allowed: string[]) => RequestHandler,
): Router {
  const router = express.Router()
  // Publisher keys and subscriber tokens may both read; each sees only what it holds grants on.
  const reader = deps.guards.identify({ tokens: true })
  router
    .route('/topics')
    .get(reader, async (_req, res) => {
      const caller = callerOf(res)
      const topics = await deps.admin.describeTopics()
      res.json({ topics: topics.filter(({ name }) => maySeeTopic(caller, name)) })
    })
    .post(
      deps.guards.identify({ tokens: false }),
      express.json({ limit: 4096, strict: false, type: () => true }),
      async (req, res) => {
        const { name, partitions } = parseCreateRequest(req.body, deps)
        const caller = callerOf(res)
        assertMayCreate(caller, name)
        await deps.guards.limits.createTopic(caller)
        await deps.admin.createTopic(name, partitions)
        res.status(201).json({ name, partitions })
      },
    )
    .all(methodNotAllowed(['GET', 'POST']))

  router
    .route('/topics/:topic/messages')
    .get(reader, async (req, res) => {
      const topic = topicParam(req)
      const limit = limitParam(req, deps.maxHistoryLimit)
      const since = sinceParam(req)
      const key = keyParam(req)
      assertMayRead(res, key === undefined ? topic : `${topic}#${key}`)
      const page = await readHistory(deps.reader, deps.admin, topic, {
        limit,
        ...(since === undefined ? {} : { since }),
        ...(key === undefined ? {} : { key: { key, maxOffsets: deps.keyScanLimit } }),
      })
      const body: TopicMessages = {
        topic,
        ...(key === undefined ? {} : { key }),
        messages: page.records.map(toNotification),
        next: page.next,
      }
      if (key !== undefined) {
        const { scanned } = page
        body.scanned =
          scanned === undefined
            ? null
            : { ...scanned, from: scanned.from.toString(), to: scanned.to.toString() }
      }
      res.json(body)
    })
    .all(methodNotAllowed(['GET']))

  router
    .route('/topics/:topic/position')
    .get(reader, async (req, res) => {
      const topic = topicParam(req)
      assertMayRead(res, topic)
      const position: Position = {}
      if ((await deps.admin.listTopics()).includes(topic)) {
        for (const { partition, high } of await deps.admin.offsets(topic)) {
          position[String(partition)] = high.toString()
        }
      }
      res.json({ topic, position, since: formatPositionQuery(position) })
    })
    .all(methodNotAllowed(['GET']))
  return router
}

/** 403 unless the caller holds a grant covering `entry`; the same answer whether it exists or not. */
function assertMayRead(res: Response, entry: string): void {
  if (!mayRead(callerOf(res), entry)) {
    throw new ApiError(403, 'forbidden', `not allowed to read "${entry}"`)
  }
}

function topicParam(req: Request): string {
  const topic = req.params.topic
  const problem = topicProblem(topic)
  if (problem !== undefined) throw new ApiError(400, 'invalid_topic', problem)
  return topic as string
}

function limitParam(req: Request, max: number): number {
  const raw = req.query.limit
  if (raw === undefined) return Math.min(DEFAULT_HISTORY_LIMIT, max)
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ApiError(400, 'invalid_query', `limit must be an integer from 1 to ${max}`)
  }
  return limit
}

function keyParam(req: Request): string | undefined {
  const raw = req.query.key
  if (raw === undefined) return undefined
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > KEY_MAX_LENGTH) {
    throw new ApiError(
      400,
      'invalid_key',
      `key must be given once, 1 to ${KEY_MAX_LENGTH} characters (URL-encoded)`,
    )
  }
  return raw
}

function sinceParam(req: Request): Position | undefined {
  const raw = req.query.since
  if (raw === undefined) return undefined
  const position = typeof raw === 'string' ? parsePositionQuery(raw) : undefined
  if (position === undefined) {
    throw new ApiError(
      400,
      'invalid_position',
      'since must look like 0:12,1:7 (partition:offset, …)',
    )
  }
  return position
}

function parseCreateRequest(
  body: unknown,
  { defaultPartitions, maxPartitions }: Pick<TopicsApiDeps, 'defaultPartitions' | 'maxPartitions'>,
): { name: string; partitions: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(
      400,
      'invalid_body',
      'body must be a JSON object: {"name": string, "partitions"?: number}',
    )
  }
  const { name, partitions = defaultPartitions, ...rest } = body as Record<string, unknown>
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) {
    throw new ApiError(
      400,
      'invalid_body',
      `unknown field "${unknown}": allowed fields are name and partitions`,
    )
  }
  const problem = topicProblem(name)
  if (problem !== undefined)
    throw new ApiError(400, 'invalid_topic', problem.replace(/^topic/, 'name'))
  if (
    !Number.isInteger(partitions) ||
    (partitions as number) < 1 ||
    (partitions as number) > maxPartitions
  ) {
    throw new ApiError(
      400,
      'invalid_partitions',
      `partitions must be an integer from 1 to ${maxPartitions} (HERALD_MAX_TOPIC_PARTITIONS)`,
    )
  }
  return { name: name as string, partitions: partitions as number }
}
