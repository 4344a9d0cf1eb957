// Parsing of the `subscribe` / `unsubscribe` payloads a socket sends: `{"topics": [...]}` or a
// bare array. Pure, so the consumer, the client and the tests agree on what is accepted.

import type { ErrorDetail } from './errors.js'
import { topicProblem } from './topic.js'

export type TopicsPayloadResult = { ok: true; topics: string[] } | { ok: false; error: ErrorDetail }

/** Reads the topic list of a subscribe or unsubscribe payload; duplicates are collapsed. */
export function parseTopicsPayload(payload: unknown): TopicsPayloadResult {
  const list = Array.isArray(payload)
    ? payload
    : typeof payload === 'object' && payload !== null && 'topics' in payload
      ? payload.topics
      : undefined
  if (!Array.isArray(list)) {
    return invalid('invalid_subscription', 'expected {"topics": string[]} or an array of topics')
  }
  if (list.length === 0) return invalid('invalid_subscription', 'topics must not be empty')
  for (const [index, topic] of list.entries()) {
    const problem = topicProblem(topic)
    if (problem !== undefined) {
      return invalid('invalid_topic', `topics[${index}]: ${problem}`)
    }
  }
  return { ok: true, topics: [...new Set(list as string[])] }
}

function invalid(code: ErrorDetail['code'], message: string): TopicsPayloadResult {
  return { ok: false, error: { code, message } }
}
