// Worker processes holding the fan-out scenarios' subscribers: forked, connected, counted. Both
// the windowed and the paced fan-out use them; each worker module runs a subscriber pool.

import { nowMs } from '../clock.js'
import { forkBench, type BenchChild } from '../process/child.js'
import { shareOf, sumConnections } from '../process/worker-shares.js'
import type { FanoutTarget } from '../scenarios/fanout.js'
import type { SubscriberPoolConfig, SubscribersConnected } from './subscriber-pool.js'

export interface SubscriberWorkers {
  workers: BenchChild[]
  /** The workers with at least one subscriber connected. */
  active: BenchChild[]
  connected: number
  failed: number
  firstError: string | undefined
  connectSeconds: number
}

/**
 * Forks `workerCount` processes of `module` sharing `subscribers` on `topic` and waits until
 * each has connected its share; stops them all if any fails, or if no subscriber connected.
 */
export async function forkSubscriberWorkers(
  module: string,
  target: FanoutTarget,
  { subscribers, topic, workerCount }: { subscribers: number; topic: string; workerCount: number },
  progress: (line: string) => void,
): Promise<SubscriberWorkers> {
  const connectStart = nowMs()
  const workers: BenchChild[] = []
  try {
    for (let i = 0; i < workerCount; i += 1) {
      const config: SubscriberPoolConfig = {
        origins: target.socketOrigins,
        sockets: shareOf(subscribers, workerCount, i),
        topic,
        connectConcurrency: 50,
        connectTimeoutMs: 20_000,
        ...(target.token === undefined ? {} : { token: target.token }),
      }
      workers.push(forkBench(module, `subscribers-${i + 1}`, config))
    }
    const connections = await Promise.all(
      workers.map((worker) => worker.receive<SubscribersConnected>('connected', 600_000)),
    )
    const { connected, failed, firstError } = sumConnections(connections)
    const connectSeconds = (nowMs() - connectStart) / 1000
    progress(
      `    ${connected.toLocaleString('en-US')} subscribers connected in ` +
        `${connectSeconds.toFixed(1)} s` +
        (failed > 0 ? `, ${failed} failed (${firstError})` : ''),
    )
    if (connected === 0) throw new Error(`no subscriber could connect: ${firstError}`)
    const active = workers.filter((_, i) => (connections[i]?.connected ?? 0) > 0)
    return { workers, active, connected, failed, firstError, connectSeconds }
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop()))
    throw error
  }
}
