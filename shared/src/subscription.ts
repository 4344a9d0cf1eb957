// What a socket may subscribe to, and the parsing of `subscribe` / `unsubscribe` payloads. Pure,
// so that the consumer, the client and the tests agree on what is accepted.
//
// An entry is a topic name or a pattern: `*` (every topic) or `<prefix>.*` (every topic whose name
// starts with `<prefix>.`, at any depth, including topics created later). Each entry is a
// Socket.IO room: a topic's room is its name, a pattern's room is `pattern:<pattern>` (a topic
// name cannot contain ":"), and a record is emitted to its topic's room and every pattern room
// that matches it.

import type { ErrorDetail } from './errors.js'
import { isPosition, type Position } from './position.js'
import { topicProblem } from './topic.js'

export const ALL_TOPICS = '*'

export function isPattern(entry: string): boolean {
  return entry === ALL_TOPICS || entry.endsWith('.*')
}

/** Why `value` is neither a topic nor a pattern, or undefined when it is one of them. */
export function subscriptionProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && isPattern(value)) {
    if (value === ALL_TOPICS) return undefined
    const problem = topicProblem(value.slice(0, -2))
    return problem === undefined
      ? undefined
      : `pattern ${value}: ${problem.replace(/^topic /, 'prefix ')}`
  }
  const problem = topicProblem(value)
  if (problem === undefined || typeof value !== 'string' || !value.includes('*')) return problem
  return 'a pattern is "*" or "<prefix>.*"'
}

export function patternMatches(pattern: string, topic: string): boolean {
  return pattern === ALL_TOPICS || topic.startsWith(pattern.slice(0, -1))
}

/** The room of a subscription entry. */
export function roomOf(entry: string): string {
  return isPattern(entry) ? `pattern:${entry}` : entry
}

/** The entry of a room, or undefined for a room that is no subscription (a socket's own). */
export function entryOf(room: string): string | undefined {
  if (room.startsWith('pattern:')) return room.slice('pattern:'.length)
  return topicProblem(room) === undefined ? room : undefined
}

/** Every room a record of `topic` goes to: its own and each pattern that matches it. */
export function roomsForTopic(topic: string): string[] {
  const rooms = [topic, roomOf(ALL_TOPICS)]
  for (let dot = topic.indexOf('.'); dot !== -1; dot = topic.indexOf('.', dot + 1)) {
    rooms.push(roomOf(`${topic.slice(0, dot)}.*`))
  }
  return rooms
}

export interface SubscriptionRequest {
  /** Topics and patterns, without duplicates. */
  entries: string[]
  /**
   * Where the socket stopped, per topic: present when it subscribes again after a disconnect,
   * so that what it missed is replayed. Absent on a first subscription.
   */
  positions?: Record<string, Position>
}

export type SubscriptionParse =
  { ok: true; request: SubscriptionRequest } | { ok: false; error: ErrorDetail }

/** Reads `{"topics": [...], "positions"?: {...}}` or a bare array of topics and patterns. */
export function parseSubscription(payload: unknown): SubscriptionParse {
  const fields =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined
  const list = Array.isArray(payload) ? payload : fields?.topics
  if (!Array.isArray(list)) {
    return invalid('invalid_subscription', 'expected {"topics": string[]} or an array of topics')
  }
  if (list.length === 0) return invalid('invalid_subscription', 'topics must not be empty')
  for (const [index, entry] of list.entries()) {
    const problem = subscriptionProblem(entry)
    if (problem !== undefined) return invalid('invalid_topic', `topics[${index}]: ${problem}`)
  }
  const request: SubscriptionRequest = { entries: [...new Set(list as string[])] }
  const positions = fields?.positions
  if (positions !== undefined) {
    if (
      typeof positions !== 'object' ||
      positions === null ||
      Array.isArray(positions) ||
      !Object.entries(positions).every(
        ([topic, position]) => topicProblem(topic) === undefined && isPosition(position),
      )
    ) {
      return invalid(
        'invalid_position',
        'positions must map topics to {"<partition>": "<next offset>"}, as the subscribe ack gave them',
      )
    }
    request.positions = positions as Record<string, Position>
  }
  return { ok: true, request }
}

function invalid(code: ErrorDetail['code'], message: string): SubscriptionParse {
  return { ok: false, error: { code, message } }
}
