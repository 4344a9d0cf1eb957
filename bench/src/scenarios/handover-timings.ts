// What a streaming subscriber saw while the consumer holding its topic was sent SIGTERM, exited,
// was restarted by the supervisor and joined the group again. Pure: the arrivals and the four
// instants in, the figures out.

import type { RestartTimes } from '../targets/consumer-control.js'
import type { Arrival } from './topic-watcher.js'

export interface HandoverTimings {
  /** SIGTERM → the process exited. */
  exitMs: number
  /**
   * SIGTERM → the first arrival of a record sent after the process exited: only another member
   * can have delivered it (unless it came after the restarted one was ready). NaN if none came.
   */
  handoverMs: number
  /** That first arrival came before the restarted process was ready: another consumer took over. */
  handedOverBeforeRejoin: boolean
  /** The longest time without any arrival, from SIGTERM until the restart. */
  pauseMs: number
  /** Restart → ready: a fresh process joining the group. */
  joinMs: number
  /** The longest time without any arrival after the restart: the partitions moving back. */
  rejoinPauseMs: number
}

export function handoverTimings(
  arrivals: readonly Arrival[],
  times: RestartTimes,
): HandoverTimings {
  const ordered = [...arrivals].sort((a, b) => a.at - b.at)
  const afterExit = ordered.find((arrival) => arrival.sentAt > times.exitedAt)
  let pauseMs = 0
  let rejoinPauseMs = 0
  for (let i = 1; i < ordered.length; i += 1) {
    const from = (ordered[i - 1] as Arrival).at
    const to = (ordered[i] as Arrival).at
    if (from >= times.respawnedAt) rejoinPauseMs = Math.max(rejoinPauseMs, to - from)
    else if (to > times.signalledAt) pauseMs = Math.max(pauseMs, to - from)
  }
  return {
    exitMs: times.exitedAt - times.signalledAt,
    handoverMs: afterExit === undefined ? Number.NaN : afterExit.at - times.signalledAt,
    handedOverBeforeRejoin: afterExit !== undefined && afterExit.at < times.readyAt,
    pauseMs,
    joinMs: times.readyAt - times.respawnedAt,
    rejoinPauseMs,
  }
}

/**
 * The partitions the consumer logged on its last group join, from its JSON-lines log (herald's
 * Kafka layer logs `joined the consumer group` with them); undefined when no such line is there.
 */
export function lastGroupJoin(
  log: string,
): { partitions: number; durationMs: number | undefined } | undefined {
  let found: { partitions: number; durationMs: number | undefined } | undefined
  for (const line of log.split('\n')) {
    if (!line.includes('joined the consumer group')) continue
    try {
      const { partitions, durationMs } = JSON.parse(line) as Record<string, unknown>
      if (typeof partitions !== 'number') continue
      found = { partitions, durationMs: typeof durationMs === 'number' ? durationMs : undefined }
    } catch {
      // not a JSON line
    }
  }
  return found
}
