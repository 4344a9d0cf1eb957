// The consumer group's lag on /metrics, read from Kafka rather than from any member: it appears
// when a consumer stops (its partitions are read by nobody) and drains once it runs again.

import { describe, expect, it } from 'vitest'

import { readersOf } from '../support/group.js'
import { createTopic, postAccepted } from '../support/http.js'
import { scrapeMetrics } from '../support/metrics.js'
import { connectSubscriber, subscribe, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: { HERALD_GROUP_LAG_INTERVAL_MS: '200' },
})

/** Keys enough to reach every partition of the topic, so both consumers' partitions get records. */
const KEYS = Array.from({ length: 64 }, (_, i) => `key-${i}`)
const PARTITIONS = 16

const consumerUrl = (name: string): string => {
  const instance = stack().instances.find((i) => i.name === name)
  if (instance === undefined) throw new Error(`no ${name} in the stack`)
  return instance.url
}
const groupLag = async (): Promise<number> =>
  (await scrapeMetrics(consumerUrl('consumer-1'))).get('herald_group_lag_records') ?? Number.NaN

describe('the consumer group lag', () => {
  it('appears while a consumer is stopped and drains after it runs again', async () => {
    const topic = uniqueTopic('lag')
    await createTopic(stack().url, topic, PARTITIONS)
    const socket = await connectSubscriber(consumerUrl('consumer-1'))
    await subscribe(socket, [topic])
    const post = (round: string) =>
      Promise.all(KEYS.map((key) => postAccepted(stack().url, { topic, key, message: round })))
    // Both consumers read their partitions of the topic, and every record is delivered.
    await post('warm')
    await waitForMessages(socket, topic, KEYS.length, 30_000)
    await waitUntil(async () => (await groupLag()) === 0, {
      timeoutMs: 20_000,
      what: 'no group lag after the warm-up',
    })

    // Stopping consumer-2 leaves a lag only if it reads some of the topic's partitions.
    await waitUntil(
      async () => [...(await readersOf(stack(), topic)).values()].includes('consumer-2'),
      {
        timeoutMs: 30_000,
        intervalMs: 500,
        what: 'consumer-2 to read partitions of the topic',
      },
    )
    stack().supervisor.signal('consumer-2', 'SIGSTOP')
    try {
      await post('while stopped')
      const lag = await waitUntil(
        async () => {
          const records = await groupLag()
          return records > 0 ? records : undefined
        },
        { timeoutMs: 8000, intervalMs: 100, what: 'group lag while consumer-2 is stopped' },
      )
      expect(lag).toBeLessThanOrEqual(KEYS.length)
      // The stopped consumer's share has not reached the socket.
      expect(socket.received.filter((n) => n.topic === topic).length).toBeLessThan(2 * KEYS.length)
    } finally {
      stack().supervisor.signal('consumer-2', 'SIGCONT')
    }

    await waitForMessages(socket, topic, 2 * KEYS.length, 30_000)
    await waitUntil(async () => (await groupLag()) === 0, {
      timeoutMs: 30_000,
      what: 'the group lag drained',
    })
  })
})
