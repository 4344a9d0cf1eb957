// The one place where failures become HTTP answers: every error the producer can meet is mapped
// here to a status and the contract's `{"error": {"code", "message"}}` body.

import { errorBody, type ErrorCode } from '@herald/shared'
import { KafkaUnavailableError, TopicExistsError, TopicRejectedError } from '@herald/shared/kafka'
import type { ErrorRequestHandler, Request, Response } from 'express'
import { RegistryUnavailableError, type Logger } from '@herald/shared/service'

/** A failure with the HTTP answer it deserves. */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message)
  }
}

/** What body-parser reports through `error.type` (with the route's `limit` for a large body). */
const BODY_PARSER_ERRORS: Record<string, (limitBytes: number) => ApiError> = {
  'entity.parse.failed': () => new ApiError(400, 'invalid_json', 'body is not valid JSON'),
  'entity.too.large': (limit) =>
    new ApiError(413, 'payload_too_large', `body is larger than ${limit} bytes`),
  'charset.unsupported': () =>
    new ApiError(415, 'unsupported_media_type', 'body must be UTF-8 encoded JSON'),
  'encoding.unsupported': () =>
    new ApiError(415, 'unsupported_media_type', 'unsupported Content-Encoding'),
  'request.aborted': () => new ApiError(400, 'invalid_body', 'request aborted by the client'),
}

export function toApiError(
  error: unknown,
  limits: { maxBodyBytes: number; retryAfterSeconds: number },
): ApiError | undefined {
  if (error instanceof ApiError) return error
  if (error instanceof KafkaUnavailableError) {
    return new ApiError(503, 'kafka_unavailable', `Kafka is unavailable: ${error.message}`, {
      'Retry-After': String(limits.retryAfterSeconds),
    })
  }
  if (error instanceof RegistryUnavailableError) {
    return new ApiError(
      503,
      'upstream_unavailable',
      `the instance registry is unavailable: ${error.message}`,
      { 'Retry-After': String(limits.retryAfterSeconds) },
    )
  }
  if (error instanceof TopicRejectedError) {
    return new ApiError(400, 'invalid_topic', error.message)
  }
  if (error instanceof TopicExistsError) {
    return new ApiError(409, 'topic_exists', error.message)
  }
  const { type, limit } = (error ?? {}) as { type?: unknown; limit?: unknown }
  if (typeof type === 'string') {
    return BODY_PARSER_ERRORS[type]?.(typeof limit === 'number' ? limit : limits.maxBodyBytes)
  }
  // The router's own refusal of a path it cannot decode (`%E0%A4%A`): the client's fault.
  if (error instanceof URIError) {
    return new ApiError(400, 'invalid_request', 'the path is not valid percent-encoding')
  }
  return undefined
}

/** Told every error answer, e.g. to count refusals (metrics.ts). */
export type ErrorAnswered = (code: ErrorCode, req: Request, res: Response) => void

export function errorHandler(
  limits: { maxBodyBytes: number; retryAfterSeconds: number },
  logger: Logger,
  answered: ErrorAnswered,
): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error, limits)
    if (apiError === undefined || apiError.status >= 500) {
      logger.warn({ err: error, method: req.method, path: req.path }, 'request failed')
    }
    const answer =
      apiError ?? new ApiError(500, 'internal_error', 'unexpected error; see the producer log')
    answered(answer.code, req, res)
    res.status(answer.status).set(answer.headers).json(errorBody(answer.code, answer.message))
  }
}
