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

/**
 * What a refusal says about its caller, for /metrics: a credential or its grants failed (`auth`),
 * or a limit was reached (`limit`); anything else is no refusal of the caller. (`slow_consumer` is
 * counted on its own, as a cut.)
 */
export function refusalKind(code: ErrorCode): 'auth' | 'limit' | undefined {
  if (code === 'unauthorized' || code === 'token_expired' || code === 'forbidden') return 'auth'
  if (code === 'rate_limited' || code === 'too_many_topics' || code === 'payload_too_large')
    return 'limit'
  return undefined
}
