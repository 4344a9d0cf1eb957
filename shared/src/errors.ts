// The error body of the public contract: every error herald answers, over HTTP or in a Socket.IO
// ack, is `{"error": {"code", "message"}}` with one of these codes.

export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'invalid_body',
  'invalid_topic',
  'invalid_message',
  'invalid_key',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'invalid_query',
  'invalid_position',
  'invalid_partitions',
  'topic_exists',
  'kafka_unavailable',
  'upstream_unavailable',
  'unauthorized',
  'token_expired',
  'forbidden',
  'rate_limited',
  'invalid_subscription',
  'too_many_topics',
  'slow_consumer',
  'internal_error',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorDetail {
  code: ErrorCode
  /** What is wrong, written for the person reading the response. */
  message: string
}

export interface ErrorBody {
  error: ErrorDetail
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } }
}
