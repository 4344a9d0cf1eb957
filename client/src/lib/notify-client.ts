// Sends one notification with `POST /notify` (same origin) and reads either answer: the receipt of
// a 202, or the `{"error": {code, message}}` body of anything else.

import type { NotifyRequest, PublishReceipt } from '@herald/shared'

import { bearer, callApi, errorOf, type ApiError } from './api-answer'

export type SendError = ApiError

export type SendResult = { ok: true; receipt: PublishReceipt } | { ok: false; error: SendError }

export type SendNotification = (request: NotifyRequest) => Promise<SendResult>

export interface NotifyClientOptions {
  /** Read at each send: a credential for `Authorization: Bearer`, e.g. the operator's token. */
  token?: () => string | undefined
}

export function createNotifyClient(
  fetchFn: typeof fetch = fetch.bind(globalThis),
  { token = () => undefined }: NotifyClientOptions = {},
): SendNotification {
  return async (request) => {
    const answer = await callApi(fetchFn, '/notify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token()) },
      body: JSON.stringify(request),
    })
    if (!answer.ok) return answer
    if (answer.status === 202 && isReceipt(answer.body)) return { ok: true, receipt: answer.body }
    return { ok: false, error: errorOf(answer) }
  }
}

function isReceipt(body: unknown): body is PublishReceipt {
  if (typeof body !== 'object' || body === null) return false
  const { topic, partition, offset } = body as Record<string, unknown>
  return typeof topic === 'string' && typeof partition === 'number' && typeof offset === 'string'
}
