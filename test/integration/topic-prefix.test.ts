// HERALD_TOPIC_PREFIX: a herald sharing its Kafka cluster keeps to the topics under its prefix —
// it writes there, delivers only from there, and lists only those, without the prefix.

import { consumeWithKafkaTools, createTopicWithKafkaTools } from '@herald/stack'
import { describe, expect, it } from 'vitest'

import { getJson, postAccepted } from '../support/http.js'
import { writeRawRecords } from '../support/kafka-writer.js'
import { connectSubscriber, subscribeRaw, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const PREFIX = 'tenant-a.'
const stack = useTestStack({
  producers: 1,
  consumers: 1,
  serviceEnv: { HERALD_TOPIC_PREFIX: PREFIX },
})

describe('HERALD_TOPIC_PREFIX', () => {
  it('stores, delivers and lists under the prefix, and leaves other topics alone', async () => {
    const topic = uniqueTopic('prefixed')
    const target = { distribution: stack().kafka, brokers: stack().kafkaBrokers }
    // Someone else's topic of the same name, outside the prefix.
    await createTopicWithKafkaTools(target, topic, 1)
    const socket = await connectSubscriber(stack().url)
    await subscribeRaw(socket, [topic])

    const receipt = await postAccepted(stack().url, { topic, key: 'k', message: 'mine' })
    await writeRawRecords(stack().kafkaBrokers, topic, [Buffer.from('"not mine"')])
    const [stored] = await consumeWithKafkaTools(target, `${PREFIX}${topic}`, 1)
    expect(stored).toMatchObject({ offset: receipt.offset, value: '"mine"' })

    const [delivered] = await waitForMessages(socket, topic, 1, 20_000)
    expect(delivered).toMatchObject({ topic, message: 'mine' })
    // What is written under the prefix by others is herald's; the same name outside it is not.
    await writeRawRecords(stack().kafkaBrokers, `${PREFIX}${topic}`, [Buffer.from('"also mine"')])
    const received = await waitForMessages(socket, topic, 2, 20_000)
    expect(received.map((n) => n.message)).toEqual(['mine', 'also mine'])

    const listed = await getJson<{ topics: { name: string }[] }>(`${stack().url}/topics`)
    const names = listed.body.topics.map((t) => t.name)
    expect(names).toContain(topic)
    expect(names.some((name) => name.startsWith(PREFIX))).toBe(false)
  })
})
