// Leftovers of a stack whose supervisor was killed without a chance to stop its processes (kill -9,
// a closed terminal, a killed test run). Each stack records its processes in <dataDir>/pids.json;
// the next start finds the ones whose supervisor is gone and ends them.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

interface RecordedProcess {
  pid: number
  /** When the process started (clock ticks since boot): a reused pid has another. */
  startedAt: string
}

interface PidRecord {
  supervisor: number
  processes: Record<string, RecordedProcess>
}

/** How long a SIGKILLed group gets to let go of its ports before a start goes on regardless. */
const EXIT_WAIT_MS = 5_000
const EXIT_POLL_MS = 50

export function pidFile(dataDir: string): string {
  return join(dataDir, 'pids.json')
}

/** Records the processes a supervisor runs now. */
export function writePids(file: string, pids: Record<string, number>): void {
  const processes: PidRecord['processes'] = {}
  for (const [name, pid] of Object.entries(pids)) {
    const startedAt = processState(pid)?.startedAt
    if (startedAt !== undefined) processes[name] = { pid, startedAt }
  }
  const record: PidRecord = { supervisor: process.pid, processes }
  writeFileSync(file, JSON.stringify(record, null, 2))
}

/**
 * Kills what a dead supervisor left running and waits until it has exited, so its ports are free;
 * returns the names of the processes it ended.
 */
export async function reapOrphans(dataDir: string): Promise<string[]> {
  let record: PidRecord
  try {
    record = JSON.parse(readFileSync(pidFile(dataDir), 'utf8')) as PidRecord
  } catch {
    return []
  }
  if (record.supervisor === process.pid || isRunning(record.supervisor)) return []
  const ended: string[] = []
  const killed: number[] = []
  for (const [name, { pid, startedAt }] of Object.entries(record.processes)) {
    // Identified by start time, not command line: nginx rewrites its own ("nginx: master process").
    if (processState(pid)?.startedAt !== startedAt) continue
    try {
      process.kill(-pid, 'SIGKILL')
      ended.push(name)
      killed.push(pid)
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + EXIT_WAIT_MS
  while (killed.some(isRunning) && Date.now() < deadline) await delay(EXIT_POLL_MS)
  return ended
}

/** Alive and not a zombie: an orphan is reaped by init, and a container's init may never do it. */
function isRunning(pid: number): boolean {
  const state = processState(pid)
  return state !== undefined && state.state !== 'Z'
}

function processState(pid: number): { state: string; startedAt: string } | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // "pid (comm) state ppid ..." where comm may hold spaces and parentheses: fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Field 3 is the state, field 22 the start time (proc(5)).
  const [state, startedAt] = [fields[0], fields[19]]
  return state === undefined || startedAt === undefined ? undefined : { state, startedAt }
}
