// Typed failures of the Kafka layer. Callers decide on `retriable`, never on message text.

/** Kafka could not take the record in time: unreachable, stalled or electing a leader. */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError'
  readonly retriable = true

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Kafka refused the topic itself, for example a name that collides with an existing one. */
export class TopicRejectedError extends Error {
  override readonly name = 'TopicRejectedError'
  readonly retriable = false

  constructor(
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** An explicit topic creation found the topic already there. */
export class TopicExistsError extends Error {
  override readonly name = 'TopicExistsError'
  readonly retriable = false

  constructor(readonly topic: string) {
    super(`topic "${topic}" already exists`)
  }
}

/**
 * The Kafka protocol error ids (`UNKNOWN_TOPIC_OR_PARTITION`, ...) a client error carries, its
 * nested errors' and causes' too: the library wraps per-partition and retried failures.
 */
export function kafkaErrorIds(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return []
  const { apiId, errors, cause } = error as { apiId?: unknown; errors?: unknown; cause?: unknown }
  const nested = [
    ...(Array.isArray(errors) ? errors.flatMap(kafkaErrorIds) : []),
    ...kafkaErrorIds(cause),
  ]
  return typeof apiId === 'string' ? [apiId, ...nested] : nested
}
