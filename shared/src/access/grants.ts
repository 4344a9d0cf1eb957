// What a grant lets its holder reach. A grant is written like a subscription entry: a topic
// (`orders`), a pattern (`orders.*`, `*`) or a keyed stream (`orders#user-42`). A publisher key's
// grants name the topics it may publish to; a subscriber token's, the entries it may watch.
// Pure, so that the producer, the consumer and the tests agree on every answer.

import { ALL_TOPICS, isPattern, keyedStreamOf, patternMatches } from '../subscription.js'

/** Whether `grant` covers the whole topic `topic` (all its records, every key). */
function grantCoversTopic(grant: string, topic: string): boolean {
  if (isPattern(grant)) return patternMatches(grant, topic)
  return keyedStreamOf(grant) === undefined && grant === topic
}

/**
 * Whether `grant` lets its holder watch (or read) `entry`: a topic grant covers the topic and each
 * of its keyed streams; a pattern grant covers the topics under it, their keyed streams and any
 * narrower pattern; `*` is covered only by `*`, a keyed stream grant only its own stream.
 */
export function grantCovers(grant: string, entry: string): boolean {
  if (grant === entry) return true
  const keyed = keyedStreamOf(entry)
  if (keyed !== undefined) return grantCoversTopic(grant, keyed.topic)
  if (entry === ALL_TOPICS) return false
  if (isPattern(entry)) return isPattern(grant) && patternMatches(grant, entry.slice(0, -1))
  return grantCoversTopic(grant, entry)
}

/** The first of `entries` none of `grants` covers, or undefined when every one is granted. */
export function firstUngranted(
  grants: readonly string[],
  entries: readonly string[],
): string | undefined {
  return entries.find((entry) => !grants.some((grant) => grantCovers(grant, entry)))
}
