// Turns a consumed Kafka record into the contract's `notification` payload. Any Kafka client may
// write to a herald topic, so a value that is not JSON is passed on as text, never thrown on.

import type { Notification } from '../notification.js'
import type { ConsumedRecord } from './fetched-records.js'

export function decodeRecordValue(value: Buffer | null): unknown {
  if (value === null) return null
  const text = value.toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export function toNotification(record: ConsumedRecord): Notification {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    message: decodeRecordValue(record.value),
    requestId: record.requestId,
  }
}
