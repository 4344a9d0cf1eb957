// POST /notify as a backend would, through the stack's entry point.

import type { ErrorBody, PublishReceipt } from '@herald/shared'

export interface HttpAnswer<T = unknown> {
  status: number
  headers: Headers
  body: T
}

export interface PostOptions {
  contentType?: string | null
  /** Sent as is instead of JSON-encoding `body`. */
  raw?: string
  /** Abort when no answer came in this long. */
  timeoutMs?: number
  /** Sent besides Content-Type. */
  headers?: Record<string, string>
}

export async function postNotify<T = PublishReceipt | ErrorBody>(
  baseUrl: string,
  body: unknown,
  { contentType = 'application/json', raw, timeoutMs = 10_000, headers: extra }: PostOptions = {},
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...extra }
  if (contentType !== null) headers['content-type'] = contentType
  const response = await fetch(`${baseUrl}/notify`, {
    method: 'POST',
    headers,
    body: raw ?? JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as T }
}

export async function getJson<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<HttpAnswer<T>> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
  return { status: response.status, headers: response.headers, body: (await response.json()) as T }
}

/** POSTs a notification that must be accepted; fails the test on anything but a 202. */
export async function postAccepted(
  baseUrl: string,
  notification: { topic: string; message: unknown; key?: string },
): Promise<PublishReceipt> {
  const answer = await postNotify<PublishReceipt | ErrorBody>(baseUrl, notification, {
    timeoutMs: 6000,
  })
  if (answer.status !== 202) {
    throw new Error(`POST /notify answered ${answer.status}: ${JSON.stringify(answer.body)}`)
  }
  return answer.body as PublishReceipt
}

/** POST /topics that must succeed: a topic with more partitions than the default of one. */
export async function createTopic(
  baseUrl: string,
  name: string,
  partitions: number,
): Promise<void> {
  const answer = await getJson(`${baseUrl}/topics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, partitions }),
  })
  if (answer.status !== 201) {
    throw new Error(`POST /topics answered ${answer.status}: ${JSON.stringify(answer.body)}`)
  }
}
