// The design a user would otherwise write: one Express process, one kafkajs producer, one awaited
// `send` with acks from all in-sync replicas per request, no nginx. kafkajs is used directly here,
// not through @herald/shared's wrapper, because the point is what plain kafkajs does.

import kafkajs from 'kafkajs'

import type { StoreNotification } from './notify-app.js'

const { Kafka, logLevel, Partitioners } = kafkajs

export interface PlainExpressOptions {
  kafkaBrokers: readonly string[]
  /** The topic the bench posts to, created at start-up: the broker does not auto-create topics. */
  topic: string
  /** Its partitions, as many as herald gives a topic. */
  partitions: number
}

export interface PlainKafkaStore {
  store: StoreNotification
  close: () => Promise<void>
}

export async function plainKafkaStore({
  kafkaBrokers,
  topic,
  partitions,
}: PlainExpressOptions): Promise<PlainKafkaStore> {
  const kafka = new Kafka({
    clientId: 'bench-plain-express',
    brokers: [...kafkaBrokers],
    logLevel: logLevel.ERROR,
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })
  await admin.disconnect()

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  return {
    store: async ({ topic, message, key }) => {
      const timestamp = Date.now()
      const [metadata] = await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: key ?? null, value: JSON.stringify(message), timestamp: String(timestamp) },
        ],
      })
      if (metadata?.baseOffset === undefined) throw new Error('no offset in the answer')
      return { topic, partition: metadata.partition, offset: metadata.baseOffset, timestamp }
    },
    close: () => producer.disconnect(),
  }
}
