// Which consumer instance reads a topic's partition, from Kafka's own view of the group: tests
// that stop an instance make it the one whose handover they mean to exercise.

import { describeGroupWithKafkaTools, type RunningStack } from '@herald/stack'

import { waitUntil } from './wait.js'

/** herald's one consumer group (HERALD_CONSUMER_GROUP's default). */
export const CONSUMER_GROUP = 'herald-consumers'

/** The name of the consumer instance that reads `partition` of `kafkaTopic`, once one does. */
export function readerOf(stack: RunningStack, kafkaTopic: string, partition = 0): Promise<string> {
  const consumers = stack.instances.filter((i) => i.kind === 'consumer').map((i) => i.name)
  return waitUntil(
    async () => {
      const members = await describeGroupWithKafkaTools(
        { distribution: stack.kafka, brokers: stack.kafkaBrokers },
        CONSUMER_GROUP,
      )
      const clientId = members.find(
        (m) => m.topic === kafkaTopic && m.partition === partition,
      )?.clientId
      // Each instance's Kafka client ids start with its name (HERALD_INSTANCE).
      return consumers.find((name) => clientId?.startsWith(`${name}-`))
    },
    { timeoutMs: 30_000, intervalMs: 500, what: `a reader of ${kafkaTopic}:${partition}` },
  )
}
