// Sends one notification with `POST /notify` (same origin) and reads either answer: the receipt of
// a 202, or the `{"error": {code, message}}` body of anything else.

import type { ErrorBody, NotifyRequest, PublishReceipt } from '@herald/shared'

export interface SendError {
  /** The API's error code, or `network_error` / `http_<status>` when no herald error body came. */
  code: string
  message: string
}

export type SendResult = { ok: true; receipt: PublishReceipt } | { ok: false; error: SendError }

export type SendNotification = (request: NotifyRequest) => Promise<SendResult>

export function createNotifyClient(
  fetchFn: typeof fetch = fetch.bind(globalThis),
): SendNotification {
  return async (request) => {
    let response: Response
    try {
      response = await fetchFn('/notify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      })
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause)
      return {
        ok: false,
        error: { code: 'network_error', message: `herald is unreachable: ${reason}` },
      }
    }
    // A proxy in between may answer with HTML; such a body is no herald answer.
    const body: unknown = await response.json().catch(() => undefined)
    if (response.status === 202 && isReceipt(body)) return { ok: true, receipt: body }
    if (isErrorBody(body)) return { ok: false, error: body.error }
    return {
      ok: false,
      error: {
        code: `http_${response.status}`,
        message: `unexpected answer: ${response.status} ${response.statusText}`.trim(),
      },
    }
  }
}

function isReceipt(body: unknown): body is PublishReceipt {
  if (typeof body !== 'object' || body === null) return false
  const { topic, partition, offset } = body as Record<string, unknown>
  return typeof topic === 'string' && typeof partition === 'number' && typeof offset === 'string'
}

function isErrorBody(body: unknown): body is ErrorBody {
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
