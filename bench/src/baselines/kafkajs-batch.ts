// Child-process entry of the Kafka ceiling: kafkajs producing straight to the broker with large
// batches (one `send` of many records, acks from all in-sync replicas), a few sends in flight.
// Records per second here bound what any kafkajs-based front end could reach on this broker.

import kafkajs from 'kafkajs'

import { nowMs } from '../clock.js'
import { Histogram, type HistogramData } from '../histogram.js'
import { childConfig, runChild, tellParent } from '../process/parent-link.js'

const { Kafka, logLevel, Partitioners } = kafkajs

export interface KafkaBatchConfig {
  kafkaBrokers: string[]
  topic: string
  partitions: number
  recordsPerSend: number
  sendsInFlight: number
  warmupMs: number
  durationMs: number
  /** Safety cap on sends, whatever the timing. */
  maxSends: number
}

export interface KafkaBatchResult {
  type: 'result'
  startedAt: number
  endedAt: number
  records: number
  /** Latency of one whole `send` (a batch), not of a record. */
  latency: HistogramData
}

const config = childConfig<KafkaBatchConfig>()

runChild(async () => {
  const kafka = new Kafka({
    clientId: 'bench-kafkajs-batch',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.ERROR,
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [{ topic: config.topic, numPartitions: config.partitions }],
    waitForLeaders: true,
  })
  await admin.disconnect()
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()

  const latency = new Histogram()
  const start = nowMs()
  const measureFrom = start + config.warmupMs
  const end = measureFrom + config.durationMs
  let sends = 0
  let records = 0
  setTimeout(() => tellParent({ type: 'measuring', from: measureFrom }), config.warmupMs)
  const sender = async (): Promise<void> => {
    while (nowMs() < end && sends < config.maxSends) {
      sends += 1
      const sentAt = nowMs()
      // The same payload a herald POST stores: a stamped JSON message.
      const messages = Array.from({ length: config.recordsPerSend }, (_, i) => ({
        value: `{"seq":${sends * config.recordsPerSend + i},"sentAt":${sentAt}}`,
      }))
      await producer.send({ topic: config.topic, acks: -1, messages })
      if (sentAt >= measureFrom) {
        records += messages.length
        latency.record(nowMs() - sentAt)
      }
    }
  }
  await Promise.all(Array.from({ length: config.sendsInFlight }, sender))
  const endedAt = nowMs()
  await producer.disconnect()
  const result: KafkaBatchResult = {
    type: 'result',
    startedAt: measureFrom,
    endedAt,
    records,
    latency: latency.toData(),
  }
  tellParent(result)
})
