// The shapes that travel through herald: what a backend posts, what Kafka acknowledged, and what a
// subscriber receives, plus the validation of a posted body.

import type { ErrorCode } from './errors.js'
import { topicProblem } from './topic.js'

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A validated `POST /notify` body. */
export interface NotifyRequest {
  topic: string
  /** Any JSON value but `null`. */
  message: JsonValue
  key?: string
}

/** The `202` answer: where Kafka stored the record. */
export interface PublishReceipt {
  topic: string
  partition: number
  /** Kafka offsets are 64-bit: kept as a decimal string so no client rounds them. */
  offset: string
  /** Milliseconds since the epoch, as stored in the record. */
  timestamp: number
}

/** The `notification` event a subscriber receives: one Kafka record. */
export interface Notification extends PublishReceipt {
  key: string | null
  /** The posted JSON value; a record that is not JSON (written by another client) arrives as a string. */
  message: unknown
  /**
   * The id of the `POST` that published it (nginx's `$request_id`, the producer's `X-Request-Id`
   * answer header), which the producer's and consumers' logs carry too; null for a record written
   * by another Kafka client.
   */
  requestId: string | null
}

/** One item's outcome in a `POST /notify/batch` answer, in the order the items were given. */
export type BatchItemResult =
  | ({ status: 202 } & PublishReceipt)
  | { status: number; error: { code: ErrorCode; message: string } }

/** The answer of `POST /notify/batch`. */
export interface NotifyBatchAnswer {
  accepted: number
  failed: number
  results: BatchItemResult[]
}

export const KEY_MAX_LENGTH = 1024

const NOTIFY_FIELDS = new Set(['topic', 'message', 'key'])

export type NotifyValidation =
  { ok: true; value: NotifyRequest } | { ok: false; code: ErrorCode; message: string }

/** Checks a parsed JSON body against the contract of `POST /notify`. */
export function validateNotifyRequest(body: unknown): NotifyValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('invalid_body', 'body must be a JSON object: {"topic": string, "message": any}')
  }
  const fields = body as Record<string, unknown>
  const unknownField = Object.keys(fields).find((name) => !NOTIFY_FIELDS.has(name))
  if (unknownField !== undefined) {
    return fail(
      'invalid_body',
      `unknown field "${unknownField}": allowed fields are topic, message and key`,
    )
  }
  if (!('topic' in fields)) return fail('invalid_topic', 'topic is required')
  const problem = topicProblem(fields.topic)
  if (problem !== undefined) return fail('invalid_topic', problem)

  if (!('message' in fields) || fields.message === undefined) {
    return fail('invalid_message', 'message is required')
  }
  if (fields.message === null) return fail('invalid_message', 'message must not be null')

  const { key } = fields
  if (key !== undefined) {
    if (typeof key !== 'string') return fail('invalid_key', 'key must be a string')
    if (key.length === 0 || key.length > KEY_MAX_LENGTH) {
      return fail('invalid_key', `key must be 1 to ${KEY_MAX_LENGTH} characters`)
    }
  }
  const value: NotifyRequest = {
    topic: fields.topic as string,
    message: fields.message as JsonValue,
  }
  if (key !== undefined) value.key = key
  return { ok: true, value }
}

function fail(code: ErrorCode, message: string): NotifyValidation {
  return { ok: false, code, message }
}
