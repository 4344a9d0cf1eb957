// Which member of herald's consumer group holds which partitions, as Kafka's own
// kafka-consumer-groups tool reports it: independent of the client herald uses, and of its protocol.

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

export interface GroupMember {
  /** The member's client id: herald's consumers use their instance name (`consumer-1`). */
  clientId: string
  /** Kafka topic → partitions. */
  assignment: Map<string, number[]>
}

const run = promisify(execFile)

/** Runs `kafka-consumer-groups --describe --members --verbose` from the stack's Kafka jars. */
export async function describeGroupMembers(
  classpath: string,
  brokers: readonly string[],
  group: string,
): Promise<GroupMember[]> {
  const { stdout } = await run(
    'java',
    [
      '-cp',
      classpath,
      'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
      '--bootstrap-server',
      brokers.join(','),
      '--describe',
      '--group',
      group,
      '--members',
      '--verbose',
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  )
  return parseGroupMembers(stdout)
}

/**
 * Reads the tool's member table: a header line starting with GROUP, then one whitespace-separated
 * line per member. The assignment column is CURRENT-ASSIGNMENT in Kafka 4 (`topic:0;other:0,1`,
 * for classic groups too) and ASSIGNMENT before it (`topic(0),other(0,1)`); `-` when empty.
 */
export function parseGroupMembers(output: string): GroupMember[] {
  const lines = output.split('\n').map((line) => line.trim())
  const headerAt = lines.findIndex((line) => line.startsWith('GROUP '))
  if (headerAt === -1) return []
  const columns = (lines[headerAt] as string).split(/\s+/)
  const clientColumn = columns.indexOf('CLIENT-ID')
  const assignmentColumn = columns.findIndex(
    (name) => name === 'ASSIGNMENT' || name === 'CURRENT-ASSIGNMENT',
  )
  if (clientColumn === -1 || assignmentColumn === -1) return []
  return lines
    .slice(headerAt + 1)
    .filter((line) => line.length > 0)
    .map((line) => {
      const cells = line.split(/\s+/)
      return {
        clientId: cells[clientColumn] ?? '',
        assignment: parseAssignment(cells[assignmentColumn] ?? ''),
      }
    })
}

/** `topic:0;other:0,1` or `topic(0),other(0,1)` → topic → partitions. */
export function parseAssignment(cell: string): Map<string, number[]> {
  const entries: [string, string][] = cell.includes('(')
    ? [...cell.matchAll(/([^,()]+)\(([\d,]*)\)/g)].map(([, topic, partitions]) => [
        topic as string,
        partitions as string,
      ])
    : cell.split(';').flatMap((entry): [string, string][] => {
        // Topic names hold no ':' (Kafka allows letters, digits, '.', '_' and '-').
        const colon = entry.lastIndexOf(':')
        return colon > 0 ? [[entry.slice(0, colon), entry.slice(colon + 1)]] : []
      })
  const assignment = new Map<string, number[]>()
  for (const [topic, partitions] of entries) {
    const numbers = partitions.split(',').filter(Boolean).map(Number)
    assignment.set(topic, [...(assignment.get(topic) ?? []), ...numbers])
  }
  return assignment
}

/** The client ids of the members holding any partition of `kafkaTopic`. */
export function holdersOf(members: readonly GroupMember[], kafkaTopic: string): string[] {
  return members
    .filter(({ assignment }) => (assignment.get(kafkaTopic)?.length ?? 0) > 0)
    .map(({ clientId }) => clientId)
}
