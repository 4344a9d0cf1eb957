// Which consumer instance reads a topic's partition, from Kafka's own view of the group: tests
// that stop an instance make it the one whose handover they mean to exercise.

import { describeGroupWithKafkaTools, type RunningStack } from '@herald/stack'

import { waitUntil } from './wait.js'

/** herald's one consumer group (HERALD_CONSUMER_GROUP's default). */
export const CONSUMER_GROUP = 'herald-consumers'

/** Which consumer instance reads each partition of `kafkaTopic` now (unread ones are absent). */
export async function readersOf(
  stack: RunningStack,
  kafkaTopic: string,
): Promise<Map<number, string>> {
  const consumers = stack.instances.filter((i) => i.kind === 'consumer').map((i) => i.name)
  const members = await describeGroupWithKafkaTools(
    { distribution: stack.kafka, brokers: stack.kafkaBrokers },
    CONSUMER_GROUP,
  )
  const readers = new Map<number, string>()
  for (const { topic, partition, clientId } of members) {
    // Each instance's Kafka client ids start with its name (HERALD_INSTANCE).
    const reader = consumers.find((name) => clientId?.startsWith(`${name}-`))
    if (topic === kafkaTopic && reader !== undefined) readers.set(partition, reader)
  }
  return readers
}

/** The name of the consumer instance that reads `partition` of `kafkaTopic`, once one does. */
export function readerOf(stack: RunningStack, kafkaTopic: string, partition = 0): Promise<string> {
  return waitUntil(async () => (await readersOf(stack, kafkaTopic)).get(partition), {
    timeoutMs: 30_000,
    intervalMs: 500,
    what: `a reader of ${kafkaTopic}:${partition}`,
  })
}
