// One call to herald's HTTP API on the page's origin, read the way every answer of the contract is
// read: a body of JSON, or `{"error": {code, message}}`. Shared by the send form and the operator's
// page, so both say the same thing when herald is unreachable or something else answers.

import type { ErrorBody } from '@herald/shared'

export interface ApiError {
  /** The API's error code, or `network_error` / `http_<status>` when no herald error body came. */
  code: string
  message: string
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export type ApiAnswer =
  { ok: true; status: number; statusText: string; body: unknown } | { ok: false; error: ApiError }

/** `Authorization: Bearer <token>` when there is a token; nothing otherwise. */
export function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` }
}

export async function callApi(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit = {},
): Promise<ApiAnswer> {
  let response: Response
  try {
    response = await fetchFn(url, init)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    return {
      ok: false,
      error: { code: 'network_error', message: `herald is unreachable: ${reason}` },
    }
  }
  // A proxy in between may answer with HTML; such a body is no herald answer.
  const body: unknown = await response.json().catch(() => undefined)
  return { ok: true, status: response.status, statusText: response.statusText, body }
}

/** The error of an answer that is not the one expected: herald's own, else its status. */
export function errorOf({
  status,
  statusText,
  body,
}: Omit<ApiAnswer & { ok: true }, 'ok'>): ApiError {
  if (isErrorBody(body)) return body.error
  return {
    code: `http_${status}`,
    message: `unexpected answer: ${status} ${statusText}`.trim(),
  }
}

/**
 * A JSON GET: `value` when it answers `200` with a body `accept` recognises, else the error. The
 * token, when given, goes in the Authorization header (never in the URL).
 */
export async function getJson<T>(
  fetchFn: typeof fetch,
  url: string,
  token: string | undefined,
  accept: (body: unknown) => body is T,
): Promise<ApiResult<T>> {
  const answer = await callApi(fetchFn, url, {
    headers: { accept: 'application/json', ...bearer(token) },
  })
  if (!answer.ok) return answer
  if (answer.status === 200 && accept(answer.body)) return { ok: true, value: answer.body }
  return { ok: false, error: errorOf(answer) }
}

export function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const { error } = body
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  )
}
