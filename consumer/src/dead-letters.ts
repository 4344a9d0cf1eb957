// Records that cannot be delivered — not UTF-8 text (a binary format from another client), or
// larger than a browser notification should be — go to a dead-letter topic with the reason in
// their headers, are counted, and never hold up their partition.

import { REQUEST_ID_HEADER, type ConsumedRecord, type KafkaPublisher } from '@herald/shared/kafka'
import type { Logger } from '@herald/shared/service'
import { isUtf8 } from 'node:buffer'

export type PoisonReason = 'too_large' | 'not_utf8'

/** Why a record cannot be delivered, or undefined when it can. */
export function poisonReason(record: ConsumedRecord, maxBytes: number): PoisonReason | undefined {
  if (record.value === null) return undefined
  if (record.value.length > maxBytes) return 'too_large'
  // Runs on every record: a native check that allocates nothing, not a second decode.
  return isUtf8(record.value) ? undefined : 'not_utf8'
}

export class DeadLetters {
  readonly counts: Record<PoisonReason, number> = { too_large: 0, not_utf8: 0 }
  readonly #publisher: Pick<KafkaPublisher, 'publish'>
  readonly #topic: string
  readonly #logger: Logger

  constructor(publisher: Pick<KafkaPublisher, 'publish'>, topic: string, logger: Logger) {
    this.#publisher = publisher
    this.#topic = topic
    this.#logger = logger
  }

  /** Stores the record in the dead-letter topic, as it was, with where it came from and why. */
  async send(record: ConsumedRecord, reason: PoisonReason): Promise<void> {
    this.counts[reason] += 1
    this.#logger.warn(
      {
        requestId: record.requestId,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        reason,
      },
      'record dead-lettered',
    )
    await this.#publisher.publish({
      topic: this.#topic,
      value: record.value ?? Buffer.alloc(0),
      ...(record.key === null ? {} : { key: record.key }),
      timestamp: record.timestamp,
      headers: {
        'herald-reason': reason,
        'herald-topic': record.topic,
        'herald-partition': String(record.partition),
        'herald-offset': record.offset,
        ...(record.requestId === null ? {} : { [REQUEST_ID_HEADER]: record.requestId }),
      },
    })
  }
}
