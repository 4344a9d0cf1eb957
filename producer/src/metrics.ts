// The producer's metrics: every HTTP request by route pattern and status, and every publish to
// Kafka by outcome. Routes are Express's patterns (`/topics/:topic`), never the path asked for, so
// topics and keys never become label values.

import { refusalKind, type ErrorCode } from '@herald/shared'
import type { KafkaPublisher } from '@herald/shared/kafka'
import { KafkaUnavailableError, TopicRejectedError } from '@herald/shared/kafka'
import { LATENCY_BUCKETS_SECONDS, type ServiceMetrics } from '@herald/shared/service'
import type { Request, RequestHandler, Response } from 'express'
import { Counter, Histogram } from 'prom-client'

import type { Caller } from './callers.js'

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export type InstrumentedPublisher = Pick<KafkaPublisher, 'publish' | 'connected'>

export interface ProducerMetrics {
  /** Times each request and counts it once its answer is sent. */
  httpRequests: RequestHandler
  /** The same publisher, its publishes timed and counted. */
  instrument(publisher: InstrumentedPublisher): InstrumentedPublisher
  /** Counts an error answer that is an auth failure (401, 403) or a limit hit (413, 429). */
  refused: (code: ErrorCode, req: Request, res: Response) => void
}

/**
 * Who was refused, as a bounded label: a publisher key's name (the operator's keyring), never a
 * secret or a token's subject; `token` for any subscriber token, `admin` for an admin token, `none`
 * without a credential and `unknown` for one that named no key.
 */
export function refusedCaller(caller: Caller | undefined, hadCredential: boolean): string {
  if (caller === undefined) return hadCredential ? 'unknown' : 'none'
  return caller.kind === 'key' ? caller.key.name : caller.kind
}

/** The route's pattern, or `unmatched` for a request no route took (a 404). */
export function routeLabel(baseUrl: string, routePath: unknown): string {
  return typeof routePath === 'string' ? `${baseUrl}${routePath}` : 'unmatched'
}

const PUBLISH_ERRORS = ['kafka_unavailable', 'topic_rejected', 'other'] as const

/** Bounded publish failures: the two the contract answers with, and everything else. */
export function publishErrorLabel(error: unknown): (typeof PUBLISH_ERRORS)[number] {
  if (error instanceof KafkaUnavailableError) return 'kafka_unavailable'
  if (error instanceof TopicRejectedError) return 'topic_rejected'
  return 'other'
}

export function createProducerMetrics({ registry }: ServiceMetrics): ProducerMetrics {
  const requests = new Counter({
    name: 'herald_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const requestSeconds = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer sent, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  })
  const publishSeconds = new Histogram({
    name: 'herald_kafka_produce_duration_seconds',
    help: 'Time from a record handed to the publisher to Kafka acknowledging it (or failing)',
    labelNames: ['outcome'] as const,
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  })
  const published = new Counter({
    name: 'herald_records_published_total',
    help: 'Records Kafka acknowledged',
    registers: [registry],
  })
  const publishErrors = new Counter({
    name: 'herald_kafka_produce_errors_total',
    help: 'Records Kafka did not acknowledge, by error',
    labelNames: ['error'] as const,
    registers: [registry],
  })

  const authFailures = new Counter({
    name: 'herald_auth_failures_total',
    help: 'Requests refused for their credential (401) or its grants (403), by key name and reason',
    labelNames: ['key', 'reason'] as const,
    registers: [registry],
  })
  const limitsHit = new Counter({
    name: 'herald_limits_hit_total',
    help: 'Requests refused by a limit (429 rate_limited, 413 payload_too_large), by key name',
    labelNames: ['limit', 'key'] as const,
    registers: [registry],
  })

  // Every outcome and error has its series from the start, at 0 until it happens.
  for (const outcome of ['acknowledged', 'failed']) publishSeconds.zero({ outcome })
  for (const error of PUBLISH_ERRORS) publishErrors.inc({ error }, 0)

  return {
    httpRequests: (req, res, next) => {
      const startedAt = process.hrtime.bigint()
      res.once('finish', () => {
        const method = METHODS.has(req.method) ? req.method : 'other'
        const route = routeLabel(req.baseUrl, (req.route as { path?: unknown } | undefined)?.path)
        requests.inc({ method, route, status: String(res.statusCode) })
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9
        requestSeconds.observe({ method, route }, seconds)
      })
      next()
    },
    refused: (code, req, res) => {
      const kind = refusalKind(code)
      if (kind === undefined) return
      const caller = res.locals.caller as Caller | undefined
      const key = refusedCaller(caller, req.headers.authorization !== undefined)
      if (kind === 'auth') authFailures.inc({ key, reason: code })
      else limitsHit.inc({ limit: code, key })
    },
    instrument(publisher) {
      const publish: KafkaPublisher['publish'] = async (record) => {
        const end = publishSeconds.startTimer()
        try {
          const receipt = await publisher.publish(record)
          end({ outcome: 'acknowledged' })
          published.inc()
          return receipt
        } catch (error) {
          end({ outcome: 'failed' })
          publishErrors.inc({ error: publishErrorLabel(error) })
          throw error
        }
      }
      return {
        publish,
        get connected() {
          return publisher.connected
        },
      }
    },
  }
}
