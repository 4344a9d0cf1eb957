// Apache Kafka's own command-line clients, run from the cached jars. Tests use them as the
// independent writer and reader: a client that is neither herald nor the library herald uses.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { findOnPath, runCommand } from './commands.js'
import type { KafkaDistribution } from './kafka-distribution.js'

export interface ToolRecord {
  partition: number
  offset: string
  key: string | null
  value: string
  /** The record's headers, as text. */
  headers: Record<string, string>
}

interface ToolTarget {
  distribution: KafkaDistribution
  brokers: readonly string[]
}

function java(): string {
  const path = findOnPath('java')
  if (path === undefined) throw new Error('java is not installed')
  return path
}

/** Runs one of Kafka's tools (its main class) against the target's brokers; answers its output. */
function runTool(
  { distribution, brokers }: ToolTarget,
  mainClass: string,
  args: readonly string[],
  options: { input?: string; timeoutMs: number },
): Promise<string> {
  return runCommand(
    java(),
    ['-cp', distribution.classpath, mainClass, '--bootstrap-server', brokers.join(','), ...args],
    options,
  )
}

/** Writes `key\tvalue` lines (or bare values) with kafka-console-producer, acks from all replicas. */
export async function produceWithKafkaTools(
  target: ToolTarget,
  topic: string,
  records: readonly { key?: string; value: string }[],
): Promise<void> {
  const keyed = records.every((record) => record.key !== undefined)
  const lines = records.map((record) => (keyed ? `${record.key}\t${record.value}` : record.value))
  await runTool(
    target,
    'org.apache.kafka.tools.ConsoleProducer',
    [
      '--topic',
      topic,
      '--producer-property',
      'acks=all',
      ...(keyed ? ['--property', 'parse.key=true', '--property', 'key.separator=\t'] : []),
    ],
    { input: `${lines.join('\n')}\n`, timeoutMs: 60_000 },
  )
}

/** Reads the first `count` records of `topic` with kafka-console-consumer (in no set order across partitions). */
export async function consumeWithKafkaTools(
  target: ToolTarget,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ToolRecord[]> {
  const output = await runTool(
    target,
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    [
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      String(count),
      '--timeout-ms',
      String(timeoutMs),
      '--property',
      'print.partition=true',
      '--property',
      'print.offset=true',
      '--property',
      'print.key=true',
      '--property',
      'print.headers=true',
    ],
    { timeoutMs: timeoutMs + 30_000 },
  )
  return output
    .split('\n')
    .map((line) => /^Partition:(\d+)\tOffset:(\d+)\t(.*?)\t(.*?)\t(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, partition, offset, headers, key, value]) => ({
      partition: Number(partition),
      offset: offset as string,
      key: key === 'null' ? null : (key as string),
      value: value as string,
      headers: parseHeaders(headers as string),
    }))
}

/** The console consumer prints headers as `name:value,name:value`, or NO_HEADERS. */
function parseHeaders(printed: string): Record<string, string> {
  if (printed === 'NO_HEADERS') return {}
  return Object.fromEntries(
    printed.split(',').map((header) => {
      const colon = header.indexOf(':')
      return [header.slice(0, colon), header.slice(colon + 1)]
    }),
  )
}

/** Creates a topic with kafka-topics, as an operator or another system would. */
export async function createTopicWithKafkaTools(
  target: ToolTarget,
  topic: string,
  partitions: number,
): Promise<void> {
  await runTool(
    target,
    'org.apache.kafka.tools.TopicCommand',
    ['--create', '--topic', topic, '--partitions', String(partitions)],
    { timeoutMs: 60_000 },
  )
}

export interface ToolGroupPartition {
  topic: string
  partition: number
  /** The group's committed offset, undefined when none is. */
  committed: number | undefined
  /** The client id of the member reading it, undefined when no member holds it. */
  clientId: string | undefined
}

/** Who in `group` reads each partition, and what it committed, from kafka-consumer-groups. */
export async function describeGroupWithKafkaTools(
  target: ToolTarget,
  group: string,
): Promise<ToolGroupPartition[]> {
  const output = await runTool(
    target,
    'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    ['--describe', '--group', group],
    { timeoutMs: 60_000 },
  )
  const known = (value: string | undefined): string | undefined =>
    value === undefined || value === '-' ? undefined : value
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns[0] === group && columns.length >= 9)
    .map(([, topic, partition, committed, , , , , clientId]) => ({
      topic: topic as string,
      partition: Number(partition),
      committed: known(committed) === undefined ? undefined : Number(committed),
      clientId: known(clientId),
    }))
}

export interface ToolPartition {
  partition: number
  /** The node id of the partition's leader, -1 for none. */
  leader: number
  replicas: number[]
  isr: number[]
}

/** Each partition's leader, replicas and in-sync replicas, from kafka-topics --describe. */
export async function describeTopicWithKafkaTools(
  target: ToolTarget,
  topic: string,
): Promise<ToolPartition[]> {
  const output = await runTool(
    target,
    'org.apache.kafka.tools.TopicCommand',
    ['--describe', '--topic', topic],
    { timeoutMs: 60_000 },
  )
  const ids = (list: string | undefined): number[] =>
    (list ?? '').split(',').filter(Boolean).map(Number)
  return output
    .split('\n')
    .map((line) =>
      /Partition:\s*(\d+)\s+Leader:\s*(-?\d+|none)\s+Replicas:\s*([\d,]*)\s+Isr:\s*([\d,]*)/.exec(
        line,
      ),
    )
    .filter((match) => match !== null)
    .map(([, partition, leader, replicas, isr]) => ({
      partition: Number(partition),
      leader: leader === 'none' ? -1 : Number(leader),
      replicas: ids(replicas),
      isr: ids(isr),
    }))
}

/** The end offset of each partition of `topic` (so the number of records it holds), from kafka-get-offsets. */
export async function endOffsetsWithKafkaTools(
  target: ToolTarget,
  topic: string,
): Promise<Map<number, number>> {
  const output = await runTool(
    target,
    'org.apache.kafka.tools.GetOffsetShell',
    ['--topic', topic, '--time', '-1'],
    { timeoutMs: 60_000 },
  )
  const ends = new Map<number, number>()
  for (const line of output.split('\n')) {
    const match = /^.+:(\d+):(\d+)$/.exec(line.trim())
    if (match) ends.set(Number(match[1]), Number(match[2]))
  }
  return ends
}

/** Deletes a partition's records below `offset` with kafka-delete-records, as retention would. */
export async function deleteRecordsWithKafkaTools(
  target: ToolTarget,
  topic: string,
  partition: number,
  offset: number,
  workDir: string,
): Promise<void> {
  const file = join(workDir, `delete-${topic}-${partition}.json`)
  writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic, partition, offset }] }))
  await runTool(
    target,
    'org.apache.kafka.tools.DeleteRecordsCommand',
    ['--offset-json-file', file],
    { timeoutMs: 60_000 },
  )
}
