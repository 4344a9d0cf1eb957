// Writes raw bytes to Kafka with kafkajs used directly, as some other system would: herald's
// own code is not involved. (Kafka's console producer only writes text lines.)

import kafkajs from 'kafkajs'

export async function writeRawRecords(
  brokers: readonly string[],
  topic: string,
  values: readonly Buffer[],
): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'test-raw-writer',
    brokers: [...brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  })
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner })
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

/** Creates one-partition topics in one request with kafkajs's admin, as another system would. */
export async function createTopicsRaw(
  brokers: readonly string[],
  topics: readonly string[],
): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'test-raw-admin',
    brokers: [...brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  })
  const admin = kafka.admin()
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
