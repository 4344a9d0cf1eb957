// What the page may watch: a topic, or one key of a topic (`orders#user-42`, see the Socket.IO
// contract). Patterns are the API's, not the page's: the page lists what it watches by name.

import { isPattern, keyedStreamOf, subscriptionProblem, type Notification } from '@herald/shared'

/** Why the page cannot watch `entry`, or undefined when it can. */
export function watchProblem(entry: string): string | undefined {
  if (isPattern(entry)) return 'name a topic (orders) or one key of it (orders#user-42)'
  return subscriptionProblem(entry)
}

export const isWatchable = (entry: string): boolean => watchProblem(entry) === undefined

/** The topic an entry reads: a keyed stream's positions and partitions are its topic's. */
export function topicOfEntry(entry: string): string {
  return keyedStreamOf(entry)?.topic ?? entry
}

/** Whether watching `entry` shows `notification`. */
export function entryCovers(entry: string, { topic, key }: Pick<Notification, 'topic' | 'key'>) {
  const keyed = keyedStreamOf(entry)
  return keyed === undefined ? entry === topic : keyed.topic === topic && keyed.key === key
}
