// Turns what the send form holds into a `POST /notify` body, checked with the contract's own
// validation so the form refuses exactly what the API would.

import { validateNotifyRequest, type NotifyValidation } from '@herald/shared'

export interface NotifyDraft {
  topic: string
  /** JSON when it parses as JSON, else sent as a string. */
  message: string
  /** Optional: empty means no key. */
  key: string
}

export function parseMessageText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export function toNotifyRequest({ topic, message, key }: NotifyDraft): NotifyValidation {
  return validateNotifyRequest({
    topic: topic.trim(),
    message: parseMessageText(message),
    ...(key === '' ? {} : { key }),
  })
}
