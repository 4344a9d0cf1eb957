// The operator API (`/admin/…`): instances and their health, topics with their lag and owners,
// recent dead letters. Admin tokens only (anyone, in open mode). Kafka's group offsets are read
// for all topics at once and kept for a second, so several open operator pages cost Kafka one
// read a second, whatever their number.

import type { DeadLetter, PartitionLag } from '@herald/shared/kafka'
import { RegistryUnavailableError, type InstanceStatus } from '@herald/shared/service'
import express, { type RequestHandler, type Router } from 'express'

import { parseDeadLettersLimit, parseTopicsQuery } from './admin-query.js'
import { instanceView, topicsPage } from './admin-topics.js'
import { assertAdmin, callerOf } from './callers.js'
import type { Guards } from './guards.js'

export interface AdminApiDeps {
  /** The instances alive now (the instance registry). */
  instances: () => Promise<InstanceStatus[]>
  /** The consumer group's lag per partition, from Kafka. */
  groupLag: () => Promise<PartitionLag[]>
  /** The latest dead letters, newest first. */
  deadLetters: (limit: number) => Promise<DeadLetter[]>
  guards: Guards
}

/** How long one read of the group's offsets serves every request. */
export const GROUP_LAG_CACHE_MS = 1000

/** `read`, shared by every caller within `ttlMs` of its start (a failure is not kept). */
export function cacheFor<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined
  return () => {
    const now = Date.now()
    if (cached !== undefined && now - cached.at < ttlMs) return cached.value
    const entry = { at: now, value: read() }
    cached = entry
    entry.value.catch(() => {
      if (cached === entry) cached = undefined
    })
    return entry.value
  }
}

export function adminRouter(
  deps: AdminApiDeps,
  methodNotAllowed: (allowed: string[]) => RequestHandler,
): Router {
  const router = express.Router()
  const groupLag = cacheFor(GROUP_LAG_CACHE_MS, deps.groupLag)
  const admin: RequestHandler[] = [
    deps.guards.identify({ tokens: true }),
    (_req, res, next) => {
      assertAdmin(callerOf(res))
      next()
    },
  ]
  // While Kafka cannot be read, the instances still show, with the group's lag as last read.
  let lastGroupLag: number | undefined

  router
    .route('/admin/instances')
    .get(...admin, async (_req, res) => {
      const [instances, lags] = await Promise.all([
        deps.instances(),
        groupLag().then(
          (read) => read,
          () => undefined,
        ),
      ])
      if (lags !== undefined) lastGroupLag = lags.reduce((sum, { lag }) => sum + Number(lag), 0)
      const groupLagRecords =
        lastGroupLag ??
        instances.reduce(
          (sum, status) => sum + (status.role === 'consumer' ? status.lagRecords : 0),
          0,
        )
      res.json({ instances: instances.map(instanceView), groupLagRecords })
    })
    .all(methodNotAllowed(['GET']))

  router
    .route('/admin/topics')
    .get(...admin, async (req, res) => {
      const query = parseTopicsQuery(req.query)
      // While Redis cannot be read, the topics still show, with no owner known.
      const [lags, instances] = await Promise.all([
        groupLag(),
        deps.instances().catch((error: unknown) => {
          if (error instanceof RegistryUnavailableError) return []
          throw error
        }),
      ])
      res.json(topicsPage(lags, instances, query))
    })
    .all(methodNotAllowed(['GET']))

  router
    .route('/admin/dead-letters')
    .get(...admin, async (req, res) => {
      const limit = parseDeadLettersLimit(req.query)
      res.json({ deadLetters: await deps.deadLetters(limit) })
    })
    .all(methodNotAllowed(['GET']))
  return router
}
