// The topic-name rule of the public contract. Producer, consumer and client all validate with this
// one function so that a name one of them accepts is never refused by another.

export const TOPIC_MAX_LENGTH = 200

const TOPIC_CHARACTERS = /^[A-Za-z0-9._-]+$/

/** Why `value` is not a valid herald topic name, or `undefined` when it is one. */
export function topicProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'topic must be a string'
  if (value.length === 0) return 'topic must not be empty'
  if (value.length > TOPIC_MAX_LENGTH) {
    return `topic must be at most ${TOPIC_MAX_LENGTH} characters (got ${value.length})`
  }
  if (!TOPIC_CHARACTERS.test(value)) {
    return 'topic may only contain letters, digits, ".", "_" and "-"'
  }
  if (value === '.' || value === '..') return 'topic must not be "." or ".."'
  // Kafka keeps names starting with "__" for its own internal topics.
  if (value.startsWith('__')) return 'topic must not start with "__" (reserved for Kafka)'
  return undefined
}

export function isValidTopic(value: unknown): value is string {
  return topicProblem(value) === undefined
}
