// New topics reach the consumers through the producers' announcements, not a listing: the
// consumers here list topics only every 10 minutes, so whatever they deliver of a topic created
// after start-up, they learned of from the producer that created it.

import type { PublishReceipt } from '@herald/shared'
import { describe, expect, it } from 'vitest'

import { createTopic, postAccepted } from '../support/http.js'
import {
  connectSubscriber,
  subscribe,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const stack = useTestStack({
  producers: 2,
  consumers: 2,
  serviceEnv: { HERALD_TOPIC_REFRESH_MS: '600000' },
})

/** A subscriber to `topics` on each consumer instance directly. */
async function subscriberOnEachConsumer(topics: string[]): Promise<Subscriber[]> {
  const consumers = stack().instances.filter((instance) => instance.kind === 'consumer')
  const sockets = await Promise.all(consumers.map((consumer) => connectSubscriber(consumer.url)))
  for (const socket of sockets) {
    expect(await subscribe(socket, { topics })).toMatchObject({ ok: true })
  }
  return sockets
}

describe('topic discovery', () => {
  it('delivers the first records of topics created by their first POST, announced by the producer', async () => {
    const topics = [uniqueTopic('announced'), uniqueTopic('announced'), uniqueTopic('announced')]
    const sockets = await subscriberOnEachConsumer(topics)
    const receipts: PublishReceipt[] = []
    for (const topic of topics)
      receipts.push(await postAccepted(stack().url, { topic, message: 1 }))
    for (const socket of sockets) {
      for (const receipt of receipts) {
        const [first] = await waitForMessages(socket, receipt.topic, 1)
        expect(first).toMatchObject({ topic: receipt.topic, offset: receipt.offset })
      }
    }
  })

  it('delivers a topic created with POST /topics', async () => {
    const topic = uniqueTopic('created')
    const sockets = await subscriberOnEachConsumer([topic])
    await createTopic(stack().url, topic, 2)
    const receipt = await postAccepted(stack().url, { topic, message: 'x', key: 'k' })
    for (const socket of sockets) {
      const [first] = await waitForMessages(socket, topic, 1)
      expect(first).toMatchObject({ partition: receipt.partition, offset: receipt.offset })
    }
  })
})
