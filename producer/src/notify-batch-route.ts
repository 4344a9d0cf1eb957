// POST /notify/batch: up to HERALD_MAX_BATCH_ITEMS notifications in one request, each validated
// and published on its own, one result per item in the order given. The items share produce
// requests with each other (and with concurrent single notifications) in the publisher.

import {
  errorBody,
  validateNotifyRequest,
  type BatchItemResult,
  type NotifyBatchAnswer,
} from '@herald/shared'
import type { KafkaPublisher } from '@herald/shared/kafka'
import type { RequestHandler } from 'express'

import { assertMayPublish, callerOf, type Caller } from './callers.js'
import { ApiError, toApiError } from './errors.js'
import type { Guards } from './guards.js'
import { jsonBody, requireJson, toOutgoingRecord } from './notify-route.js'
import { requestIdOf } from './request-id.js'

export interface BatchLimits {
  maxItems: number
  /** Each item alone is held to the single notification's limit. */
  maxItemBytes: number
  maxBodyBytes: number
  retryAfterSeconds: number
}

export function notifyBatchHandlers(
  publisher: Pick<KafkaPublisher, 'publish'>,
  guards: Guards,
  limits: BatchLimits,
): RequestHandler[] {
  const publishAll: RequestHandler = async (req, res) => {
    const items: unknown = req.body
    if (!Array.isArray(items) || items.length === 0 || items.length > limits.maxItems) {
      throw new ApiError(
        400,
        'invalid_body',
        `body must be a JSON array of 1 to ${limits.maxItems} notifications`,
      )
    }
    const caller = callerOf(res)
    // The whole batch counts against the caller's rate, or none of it is published.
    await guards.limits.publish(caller, items.length)
    const results = await Promise.all(
      items.map((item) => publishOne(publisher, guards, caller, item, requestIdOf(res), limits)),
    )
    const accepted = results.filter((result) => result.status === 202).length
    const answer: NotifyBatchAnswer = { accepted, failed: results.length - accepted, results }
    // Nothing stored and Kafka the only reason: the whole batch may be retried later.
    if (accepted === 0 && results.every((result) => result.status === 503)) {
      res.set('Retry-After', String(limits.retryAfterSeconds))
      res.status(503).json(answer)
      return
    }
    res.status(200).json(answer)
  }
  return [
    guards.identify({ tokens: 'admin' }),
    requireJson,
    jsonBody(limits.maxBodyBytes),
    publishAll,
  ]
}

async function publishOne(
  publisher: Pick<KafkaPublisher, 'publish'>,
  guards: Guards,
  caller: Caller,
  item: unknown,
  requestId: string,
  limits: BatchLimits,
): Promise<BatchItemResult> {
  const validation = validateNotifyRequest(item)
  if (!validation.ok) return failure(400, validation.code, validation.message)
  // Every item of a batch carries the batch request's id.
  const record = toOutgoingRecord(validation.value, requestId)
  if (Buffer.byteLength(record.value) > limits.maxItemBytes) {
    return failure(413, 'payload_too_large', `message is larger than ${limits.maxItemBytes} bytes`)
  }
  try {
    assertMayPublish(caller, record.topic)
    await guards.admitTopic(caller, record.topic)
    return { status: 202, ...(await publisher.publish(record)) }
  } catch (error) {
    const apiError = toApiError(error, limits)
    if (apiError === undefined) throw error
    return failure(apiError.status, apiError.code, apiError.message)
  }
}

function failure(
  status: number,
  ...[code, message]: Parameters<typeof errorBody>
): BatchItemResult {
  return { status, ...errorBody(code, message) }
}
