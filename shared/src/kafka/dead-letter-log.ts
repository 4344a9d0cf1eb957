// The latest records of the dead-letter topic, for the operator API: what each was, where it came
// from and why it could not be delivered (the headers consumer/src/dead-letters.ts writes).

import type { ConsumedRecord } from './fetched-records.js'
import type { KafkaLogReader } from './log-reader.js'
import type { TopicAdmin } from './topic-admin.js'

export interface DeadLetter {
  /** `herald-reason`: `not_utf8`, `too_large`; null when another client wrote the record. */
  reason: string | null
  /** Where the record was first written: `herald-topic`, `herald-partition`, `herald-offset`. */
  topic: string | null
  partition: number | null
  offset: string | null
  /** Its offset in the dead-letter topic. */
  deadLetterOffset: string
  timestamp: number
  /** The size of its value. */
  bytes: number
  /** The value's first characters, decoded as UTF-8 with replacement characters. */
  preview: string
}

export const DEAD_LETTER_PREVIEW_CHARS = 200

/** What the operator sees of a dead-lettered record. */
export function toDeadLetter(record: ConsumedRecord): DeadLetter {
  const headers = record.headers ?? {}
  const partition = headers['herald-partition']
  const value = record.value ?? Buffer.alloc(0)
  // A character is at most 4 bytes and a bad byte one replacement: this prefix is always enough.
  const text = value.subarray(0, DEAD_LETTER_PREVIEW_CHARS * 4).toString('utf8')
  return {
    reason: headers['herald-reason'] ?? null,
    topic: headers['herald-topic'] ?? null,
    partition: partition !== undefined && /^\d+$/.test(partition) ? Number(partition) : null,
    offset: headers['herald-offset'] ?? null,
    deadLetterOffset: record.offset,
    timestamp: record.timestamp,
    bytes: value.length,
    preview: [...text].slice(0, DEAD_LETTER_PREVIEW_CHARS).join(''),
  }
}

/** The latest `limit` dead letters, newest first; none while the topic does not exist. */
export async function readDeadLetters(
  reader: Pick<KafkaLogReader, 'read'>,
  admin: Pick<TopicAdmin, 'listTopics' | 'offsets'>,
  topic: string,
  limit: number,
): Promise<DeadLetter[]> {
  if (!(await admin.listTopics()).includes(topic)) return []
  const offsets = await admin.offsets(topic)
  const wanted = BigInt(limit)
  const records = await Promise.all(
    offsets.map(({ partition, low, high }) =>
      reader.read(
        topic,
        partition,
        high - wanted > low ? high - wanted : low,
        high,
        undefined,
        true,
      ),
    ),
  )
  return records
    .flat()
    .sort(
      (a, b) =>
        b.timestamp - a.timestamp ||
        b.partition - a.partition ||
        Number(BigInt(b.offset) - BigInt(a.offset)),
    )
    .slice(0, limit)
    .map(toDeadLetter)
}
