// What a socket may subscribe to, and the parsing of `subscribe` / `unsubscribe` payloads. Pure,
// so that the consumer, the client and the tests agree on what is accepted.
//
// An entry is a topic name, a pattern — `*` (every topic) or `<prefix>.*` (every topic whose name
// starts with `<prefix>.`, at any depth, including topics created later) — or a keyed stream,
// `<topic>#<key>`: the records of one key of one topic (a topic name has no "#", so the first one
// splits). Each entry is a Socket.IO room: a topic's room is its name, a pattern's
// `pattern:<pattern>`, a keyed stream's `key:<topic>#<key>` (a topic name cannot contain ":").
// A record is emitted once to all its rooms together, so a socket in several gets it once.

import type { ErrorDetail } from './errors.js'
import { KEY_MAX_LENGTH } from './notification.js'
import { isPosition, type Position } from './position.js'
import { topicProblem } from './topic.js'

export const ALL_TOPICS = '*'

const KEY_SEPARATOR = '#'

export function isPattern(entry: string): boolean {
  return !entry.includes(KEY_SEPARATOR) && (entry === ALL_TOPICS || entry.endsWith('.*'))
}

export interface KeyedStream {
  topic: string
  key: string
}

/** The topic and key of a keyed stream entry, or undefined for a topic or pattern. */
export function keyedStreamOf(entry: string): KeyedStream | undefined {
  const at = entry.indexOf(KEY_SEPARATOR)
  return at === -1 ? undefined : { topic: entry.slice(0, at), key: entry.slice(at + 1) }
}

/** Why `value` is no topic, pattern or keyed stream, or undefined when it is one of them. */
export function subscriptionProblem(value: unknown): string | undefined {
  const keyed = typeof value === 'string' ? keyedStreamOf(value) : undefined
  if (keyed !== undefined) {
    const problem = topicProblem(keyed.topic)
    if (problem !== undefined) return `keyed stream ${value as string}: ${problem}`
    if (keyed.key.length === 0 || keyed.key.length > KEY_MAX_LENGTH) {
      return `keyed stream ${value as string}: key must be 1 to ${KEY_MAX_LENGTH} characters`
    }
    return undefined
  }
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
  if (keyedStreamOf(entry) !== undefined) return `key:${entry}`
  return isPattern(entry) ? `pattern:${entry}` : entry
}

/** The entry of a room, or undefined for a room that is no subscription (a socket's own). */
export function entryOf(room: string): string | undefined {
  if (room.startsWith('pattern:')) return room.slice('pattern:'.length)
  if (room.startsWith('key:')) return room.slice('key:'.length)
  return topicProblem(room) === undefined ? room : undefined
}

/**
 * Every room a record goes to: its topic's, each pattern's that matches the topic, and its key's
 * stream when it has a key.
 */
export function roomsForRecord(topic: string, key: string | null): string[] {
  const rooms = [topic, roomOf(ALL_TOPICS)]
  for (let dot = topic.indexOf('.'); dot !== -1; dot = topic.indexOf('.', dot + 1)) {
    rooms.push(roomOf(`${topic.slice(0, dot)}.*`))
  }
  if (key !== null) rooms.push(roomOf(`${topic}${KEY_SEPARATOR}${key}`))
  return rooms
}

export interface SubscriptionRequest {
  /** Topics, patterns and keyed streams, without duplicates. */
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
