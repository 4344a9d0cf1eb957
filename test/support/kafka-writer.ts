// kafkajs used directly, as some other system would: raw bytes written (Kafka's console producer
// only writes text lines) and topics created in bulk, herald's own code not involved.

import kafkajs from 'kafkajs'

function otherSystem(brokers: readonly string[], clientId: string): kafkajs.Kafka {
  return new kafkajs.Kafka({ clientId, brokers: [...brokers], logLevel: kafkajs.logLevel.NOTHING })
}

/** Writes values as they are, with key `raw`; a null value is a tombstone. */
export async function writeRawRecords(
  brokers: readonly string[],
  topic: string,
  values: readonly (Buffer | null)[],
): Promise<void> {
  const producer = otherSystem(brokers, 'test-raw-writer').producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((value) => ({ key: 'raw', value })),
    })
  } finally {
    await producer.disconnect()
  }
}

/** Writes JSON values to chosen partitions with chosen record times, as producers whose clocks differ do. */
export async function writeTimedRecords(
  brokers: readonly string[],
  topic: string,
  records: readonly { partition: number; timestamp: number; value: unknown }[],
): Promise<void> {
  const producer = otherSystem(brokers, 'test-timed-writer').producer()
  await producer.connect()
  try {
    // One record per request, so each partition's offsets follow the list's order.
    for (const { partition, timestamp, value } of records) {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ partition, timestamp: String(timestamp), value: JSON.stringify(value) }],
      })
    }
  } finally {
    await producer.disconnect()
  }
}

/** Creates one-partition topics in one request with kafkajs's admin, as another system would. */
export async function createTopicsRaw(
  brokers: readonly string[],
  topics: readonly string[],
): Promise<void> {
  const admin = otherSystem(brokers, 'test-raw-admin').admin()
  await admin.connect()
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: false,
    })
  } finally {
    await admin.disconnect()
  }
}
