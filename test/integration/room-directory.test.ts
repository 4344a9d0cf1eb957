// The room directory on the real stack (two consumers, one Redis, Kafka): a record goes through
// Redis only when another instance has a socket in one of its rooms, and a socket that subscribes
// on the instance that does not read its topic is answered once the reader knows, so it gets the
// first record posted after its ack.

import { describe, expect, it } from 'vitest'

import { describeGroupWithKafkaTools } from '@herald/stack'

import { CONSUMER_GROUP, readerOf } from '../support/group.js'
import { postAccepted } from '../support/http.js'
import { scrapeMetrics } from '../support/metrics.js'
import { connectSubscriber, subscribe, unsubscribe, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 1, consumers: 2 })

const HERE_ONLY = 'herald_records_broadcast_here_only_total'

const urlOf = (name: string): string => {
  const instance = stack().instances.find((i) => i.name === name)
  if (instance === undefined) throw new Error(`no ${name} in the stack`)
  return instance.url
}
const otherConsumer = (name: string): string =>
  name === 'consumer-1' ? 'consumer-2' : 'consumer-1'
const hereOnly = async (name: string): Promise<number> =>
  (await scrapeMetrics(urlOf(name))).get(HERE_ONLY) ?? Number.NaN
const post = (topic: string, message: string) => postAccepted(stack().url, { topic, message })

/**
 * A topic that exists, is read by one of the consumers, and whose first record that consumer has
 * broadcast (and committed), so that it is no part of what a test counts; and the reader's name.
 */
async function readTopic(label: string): Promise<{ topic: string; reader: string }> {
  const topic = uniqueTopic(label)
  await post(topic, 'created')
  const reader = await readerOf(stack(), topic)
  await waitUntil(
    async () => {
      const group = await describeGroupWithKafkaTools(
        { distribution: stack().kafka, brokers: stack().kafkaBrokers },
        CONSUMER_GROUP,
      )
      return group.some((row) => row.topic === topic && row.committed === 1) ? true : undefined
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `the first record of ${topic} committed` },
  )
  return { topic, reader }
}

describe('the room directory', () => {
  it('keeps a record on its reader when only the reader has sockets for it', async () => {
    const { topic, reader } = await readTopic('here-only')
    const socket = await connectSubscriber(urlOf(reader))
    await subscribe(socket, [topic])
    const before = await hereOnly(reader)
    for (let i = 0; i < 5; i++) await post(topic, `m${i}`)
    await waitForMessages(socket, topic, 5)
    expect((await hereOnly(reader)) - before).toBe(5)
  })

  it('sends through Redis, from the first record after the ack, to a socket on the other instance', async () => {
    // Each topic: subscribe where it is not read, post at once; the join's announcement must
    // have reached the reader before the ack, or that record is broadcast on the reader only.
    for (let round = 0; round < 4; round++) {
      const { topic, reader } = await readTopic(`elsewhere-${round}`)
      const socket = await connectSubscriber(urlOf(otherConsumer(reader)))
      const before = await hereOnly(reader)
      await subscribe(socket, [topic])
      await post(topic, 'first')
      const [first] = await waitForMessages(socket, topic, 1)
      expect(first?.message).toBe('first')
      expect((await hereOnly(reader)) - before).toBe(0)
      socket.close()
    }
  })

  it('answers a subscribe on the other instance only once the reader confirmed the room', async () => {
    const { topic, reader } = await readTopic('confirmed')
    const socket = await connectSubscriber(urlOf(otherConsumer(reader)))
    let acked = false
    stack().supervisor.signal(reader, 'SIGSTOP')
    let subscribed: ReturnType<typeof subscribe> | undefined
    try {
      subscribed = subscribe(socket, [topic]).finally(() => (acked = true))
      // A stopped reader cannot confirm: well within the 2 s the join waits for it, no ack.
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(acked).toBe(false)
    } finally {
      stack().supervisor.signal(reader, 'SIGCONT')
    }
    expect((await subscribed).ok).toBe(true)
    await post(topic, 'first')
    const [first] = await waitForMessages(socket, topic, 1)
    expect(first?.message).toBe('first')
  })

  it('keeps records on the reader again once the other instance has no socket left in the room', async () => {
    const { topic, reader } = await readTopic('left')
    const watcher = await connectSubscriber(urlOf(reader))
    await subscribe(watcher, [topic])
    const elsewhere = await connectSubscriber(urlOf(otherConsumer(reader)))
    await subscribe(elsewhere, [topic])
    await post(topic, 'both')
    await waitForMessages(elsewhere, topic, 1)
    await unsubscribe(elsewhere, [topic])
    // The leave is announced without waiting for answers: records go through Redis until the
    // reader heard it, then stay on the reader.
    let sent = 0
    await waitUntil(
      async () => {
        const before = await hereOnly(reader)
        sent += 1
        await post(topic, `after-${sent}`)
        await waitForMessages(watcher, topic, 1 + sent)
        return (await hereOnly(reader)) - before === 1 ? true : undefined
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'a record kept on the reader' },
    )
    expect(elsewhere.received.filter((n) => n.topic === topic)).toHaveLength(1)
  })

  it('publishes nothing for a topic nobody watches', async () => {
    const { topic, reader } = await readTopic('unwatched')
    const before = await hereOnly(reader)
    for (let i = 0; i < 3; i++) await post(topic, `m${i}`)
    await waitUntil(async () => (await hereOnly(reader)) - before === 3, {
      timeoutMs: 10_000,
      what: 'three records kept on the reader',
    })
  })
})
