// A three-broker cluster (replication factor 3, min.insync.replicas 2) losing the broker that
// leads a busy topic's partitions, under load: every 202 is in Kafka afterwards (read back with
// Kafka's own console consumer), subscribers get every record once and in order, delivery goes
// on, and an error is only ever a coded 503. Three JVMs on a 2-core machine: this file alone runs
// a cluster; every other test runs one broker.

import type { ErrorBody, Notification, PublishReceipt } from '@herald/shared'
import {
  consumeWithKafkaTools,
  describeTopicWithKafkaTools,
  endOffsetsWithKafkaTools,
} from '@herald/stack'
import { describe, expect, it } from 'vitest'

import { createTopic, postNotify } from '../support/http.js'
import { connectSubscriber, subscribeRaw, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ brokers: 3, producers: 2, consumers: 2 })

const PARTITIONS = 3
const TOTAL = 600
const KILL_AFTER = 150

const target = () => ({ distribution: stack().kafka, brokers: stack().kafkaBrokers })

describe('a three-broker cluster', () => {
  it('loses no acknowledged record and delivers each once when a leading broker is SIGKILLed under load', async () => {
    const topic = uniqueTopic('broker-kill')
    await createTopic(stack().url, topic, PARTITIONS)
    // herald creates topics with the cluster's defaults: three replicas, all in sync.
    const layout = await describeTopicWithKafkaTools(target(), topic)
    expect(layout).toHaveLength(PARTITIONS)
    for (const partition of layout) {
      expect(partition.replicas).toHaveLength(3)
      expect(partition.isr).toHaveLength(3)
    }
    // The broker that leads the most of the topic's partitions.
    const leads = new Map<number, number>()
    for (const { leader } of layout) leads.set(leader, (leads.get(leader) ?? 0) + 1)
    const victim = [...leads].sort((a, b) => b[1] - a[1])[0]?.[0] as number
    const victimLeads = layout.filter((p) => p.leader === victim).map((p) => p.partition)

    const sockets = [await connectSubscriber(stack().url), await connectSubscriber(stack().url)]
    for (const socket of sockets) await subscribeRaw(socket, [topic])

    const accepted = new Map<number, PublishReceipt>()
    const refused: { status: number; body: unknown }[] = []
    let next = 0
    let killedAt: number | undefined
    const acceptedAt: number[] = []
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const id = next++
        const answer = await postNotify(
          stack().url,
          { topic, key: `k${id % 12}`, message: { id } },
          { timeoutMs: 30_000 },
        )
        if (answer.status === 202) {
          accepted.set(id, answer.body as PublishReceipt)
          acceptedAt.push(Date.now())
        } else refused.push(answer)
        if (killedAt === undefined && accepted.size >= KILL_AFTER) {
          killedAt = Date.now()
          stack().supervisor.signal(`kafka-${victim}`, 'SIGKILL')
        }
      }
    }
    await Promise.all(Array.from({ length: 6 }, worker))
    expect(killedAt).toBeDefined()

    // A refusal is a 503 a backend can act on (it may or may not be stored; never a 202 lost).
    for (const answer of refused) {
      expect(answer.status).toBe(503)
      expect((answer.body as ErrorBody).error.code).toBe('kafka_unavailable')
    }
    expect(accepted.size).toBeGreaterThan(TOTAL * 0.9)
    // New leaders took over the partitions the dead broker led.
    const after = await describeTopicWithKafkaTools(target(), topic)
    for (const partition of victimLeads) {
      const leader = after.find((p) => p.partition === partition)?.leader
      expect(leader === victim || leader === -1).toBe(false)
    }

    // Kafka's own consumer: every 202 is stored, as sent.
    const ends = await endOffsetsWithKafkaTools(target(), topic)
    const records = await consumeWithKafkaTools(
      target(),
      topic,
      [...ends.values()].reduce((a, b) => a + b, 0),
    )
    const stored = new Map(records.map((r) => [`${r.partition}:${r.offset}`, r.value]))
    for (const [id, receipt] of accepted) {
      expect(stored.get(`${receipt.partition}:${receipt.offset}`)).toBe(JSON.stringify({ id }))
    }

    // Each subscriber: every stored record once, in offset order per partition.
    const storedCount = stored.size
    for (const socket of sockets) {
      await waitForMessages(socket, topic, storedCount, 60_000)
      const ids = socket.received.map((n) => `${n.partition}:${n.offset}`)
      expect(new Set(ids).size).toBe(ids.length)
      expect(new Set(ids)).toEqual(new Set(stored.keys()))
      for (let partition = 0; partition < PARTITIONS; partition += 1) {
        const offsets = socket.received
          .filter((n: Notification) => n.partition === partition)
          .map((n) => Number(n.offset))
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
      }
    }
    // How long publishing stalled around the kill: the longest gap between two 202s after it.
    const afterKill = acceptedAt.filter((at) => at >= (killedAt as number))
    const stallMs = Math.max(
      0,
      ...afterKill.map(
        (at, i) => at - (i === 0 ? (killedAt as number) : (afterKill[i - 1] as number)),
      ),
    )
    console.info(
      `broker ${victim} (leader of partitions ${victimLeads.join(', ')}) SIGKILLed: ` +
        `${refused.length} of ${TOTAL} answered 503, the longest wait for a 202 after it ${stallMs} ms`,
    )
    await stack().supervisor.waitReady(`kafka-${victim}`, 90_000)
    await waitUntil(
      async () =>
        (await describeTopicWithKafkaTools(target(), topic)).every((p) => p.isr.length === 3),
      { timeoutMs: 60_000, what: 'the restarted broker back in sync' },
    )
  })
})
