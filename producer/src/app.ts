// The producer's HTTP application. Takes its dependencies, never listens and never reads env.

import type { TokenVerifier } from '@herald/shared/access'
import type { KafkaPublisher } from '@herald/shared/kafka'
import type { Logger, ServiceMetrics } from '@herald/shared/service'
import express, { type Express, type RequestHandler } from 'express'

import type { ProducerConfig } from './config.js'
import { adminRouter, type AdminApiDeps } from './admin-routes.js'
import { ApiError, errorHandler } from './errors.js'
import { createGuards } from './guards.js'
import type { ProducerMetrics } from './metrics.js'
import { assignRequestId } from './request-id.js'
import { logRequests } from './request-log.js'
import { notifyBatchHandlers } from './notify-batch-route.js'
import { notifyHandlers } from './notify-route.js'
import { OPENAPI_DOCUMENT } from '@herald/shared/openapi'
import type { PublishLimits } from './publish-limits.js'
import { topicsRouter, type TopicsApiDeps } from './topics-routes.js'

export interface ProducerAppDeps {
  publisher: Pick<KafkaPublisher, 'publish' | 'connected'>
  topics: Omit<
    TopicsApiDeps,
    'defaultPartitions' | 'maxPartitions' | 'maxHistoryLimit' | 'keyScanLimit' | 'guards'
  >
  /** What the operator API reads: the instance registry, the group's lag, the dead letters. */
  operator: Omit<AdminApiDeps, 'guards'>
  /** Verifies subscriber tokens on history reads; absent in open mode. */
  verifier: TokenVerifier | undefined
  limits: PublishLimits
  config: Pick<
    ProducerConfig,
    | 'instance'
    | 'access'
    | 'maxBodyBytes'
    | 'maxBatchItems'
    | 'maxBatchBytes'
    | 'retryAfterSeconds'
    | 'topicPartitions'
    | 'maxTopicPartitions'
    | 'maxHistoryLimit'
    | 'keyScanLimit'
  >
  logger: Logger
  /** The process's registry (served on `/metrics`) and the producer's own metrics in it. */
  metrics: { service: ServiceMetrics; producer: ProducerMetrics }
  /** True from the shutdown signal on: the instance finishes what it holds and takes nothing new. */
  isDraining: () => boolean
}

export function createProducerApp({
  publisher,
  topics,
  operator,
  verifier,
  limits,
  config,
  logger,
  metrics,
  isDraining,
}: ProducerAppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(assignRequestId, logRequests(logger), metrics.producer.httpRequests)
  const guards = createGuards({ access: config.access, verifier, limits, admin: topics.admin })

  // While draining, tell nginx not to reuse this connection, so no new request lands here.
  app.use((_req, res, next) => {
    if (isDraining()) res.set('Connection', 'close')
    next()
  })

  app
    .route('/notify')
    .post(...notifyHandlers(publisher, guards, config.maxBodyBytes))
    .all(methodNotAllowed(['POST']))

  app
    .route('/notify/batch')
    .post(
      ...notifyBatchHandlers(publisher, guards, {
        maxItems: config.maxBatchItems,
        maxItemBytes: config.maxBodyBytes,
        maxBodyBytes: config.maxBatchBytes,
        retryAfterSeconds: config.retryAfterSeconds,
      }),
    )
    .all(methodNotAllowed(['POST']))

  app.use(
    topicsRouter(
      {
        ...topics,
        defaultPartitions: config.topicPartitions,
        maxPartitions: config.maxTopicPartitions,
        maxHistoryLimit: config.maxHistoryLimit,
        keyScanLimit: config.keyScanLimit,
        guards,
      },
      methodNotAllowed,
    ),
  )

  app.use(adminRouter({ ...operator, guards }, methodNotAllowed))

  app
    .route('/openapi.json')
    .get((_req, res) => {
      res.json(OPENAPI_DOCUMENT)
    })
    .all(methodNotAllowed(['GET']))

  app
    .route('/healthz')
    .get((_req, res) => {
      res.json({
        status: 'ok',
        instance: config.instance,
        node: process.version,
        access: config.access.open ? 'open' : 'keys',
        ...(config.access.open ? { warning: OPEN_ACCESS_WARNING } : {}),
      })
    })
    .all(methodNotAllowed(['GET']))

  // Per instance, for Prometheus: nginx does not route it, so :9000 does not expose it.
  app
    .route('/metrics')
    .get(async (_req, res) => {
      const { contentType, body } = await metrics.service.render()
      res.type(contentType).send(body)
    })
    .all(methodNotAllowed(['GET']))

  app
    .route('/readyz')
    .get((_req, res) => {
      const kafka = publisher.connected
      const draining = isDraining()
      const ready = kafka && !draining
      res.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not_ready',
        instance: config.instance,
        kafka,
        draining,
      })
    })
    .all(methodNotAllowed(['GET']))

  app.use((req, _res, next) => {
    next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`))
  })
  app.use(errorHandler(config, logger, metrics.producer.refused))
  return app
}

export const OPEN_ACCESS_WARNING =
  'HERALD_OPEN_ACCESS=true: anyone who reaches this service may publish to and read every topic'

function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    next(
      new ApiError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed here; use ${allowed.join(', ')}`,
        {
          Allow: allowed.join(', '),
        },
      ),
    )
  }
}
