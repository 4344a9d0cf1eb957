// The consumers of a stack the bench started, as an operator would handle them: SIGTERM to one,
// timed through the supervisor's restart until the new process is ready. The stack's API can start
// instances only with the stack (nothing adds one to a running stack), so a fresh process joining
// the group is measured as the restart that follows the SIGTERM.

import type { RunningStack } from '@herald/stack'
import { join } from 'node:path'

import { nowMs, sleep } from '../clock.js'

/** The instants of one restart, on the bench's clock (nowMs). */
export interface RestartTimes {
  signalledAt: number
  /** The process exited (the supervisor saw it go). */
  exitedAt: number
  /** The supervisor started it again. */
  respawnedAt: number
  /** Its /readyz answered 200: it joined the group. */
  readyAt: number
}

export interface ConsumerControl {
  /** `consumer-1`, `consumer-2`, …: also their Kafka client ids. */
  names: string[]
  /** A consumer's own origin, bypassing nginx. */
  origin(name: string): string
  logFile(name: string): string
  /** Kafka's jars, for its own command-line tools. */
  kafkaClasspath: string
  /** herald's consumer group. */
  group: string
  /** Sends SIGTERM to `name`; resolves once the supervisor restarted it and it is ready again. */
  restart(name: string): Promise<RestartTimes>
}

const RESTART_TIMEOUT_MS = 120_000
const READY_POLL_MS = 20

export function consumerControl(stack: RunningStack, group: string): ConsumerControl {
  const consumers = stack.instances.filter((instance) => instance.kind === 'consumer')
  const origin = (name: string): string => {
    const instance = consumers.find((each) => each.name === name)
    if (instance === undefined) throw new Error(`no consumer named ${name}`)
    return instance.url
  }
  return {
    names: consumers.map(({ name }) => name),
    origin,
    logFile: (name) => join(stack.dataDir, 'logs', `${name}.log`),
    kafkaClasspath: stack.kafka.classpath,
    group,
    async restart(name) {
      const { supervisor } = stack
      const deadline = nowMs() + RESTART_TIMEOUT_MS
      let exitedAt: number | undefined
      let respawnedAt: number | undefined
      const onExit = (each: string): void => {
        if (each === name) exitedAt ??= nowMs()
      }
      const onRespawn = (each: string): void => {
        if (each === name && exitedAt !== undefined) respawnedAt ??= nowMs()
      }
      supervisor.on('restarting', onExit)
      supervisor.on('restarted', onRespawn)
      try {
        const signalledAt = nowMs()
        supervisor.signal(name, 'SIGTERM')
        while (respawnedAt === undefined) {
          if (nowMs() > deadline) throw new Error(`${name} was not restarted after SIGTERM`)
          await sleep(5)
        }
        const readyAt = await readyAfter(origin(name), deadline)
        return { signalledAt, exitedAt: exitedAt as number, respawnedAt, readyAt }
      } finally {
        supervisor.off('restarting', onExit)
        supervisor.off('restarted', onRespawn)
      }
    },
  }
}

/** Polls /readyz until it answers 200; the instant it did. */
async function readyAfter(origin: string, deadline: number): Promise<number> {
  while (nowMs() < deadline) {
    const ok = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(1000) })
      .then(async (response) => {
        await response.arrayBuffer()
        return response.status === 200
      })
      .catch(() => false)
    if (ok) return nowMs()
    await sleep(READY_POLL_MS)
  }
  throw new Error(`${origin} was not ready again within ${RESTART_TIMEOUT_MS} ms`)
}
