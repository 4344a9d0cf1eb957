// Leftovers of a stack whose supervisor was killed without a chance to stop its processes (kill -9,
// a closed terminal, a killed test run). Each stack records its processes in <dataDir>/pids.json;
// the next start finds the ones whose supervisor is gone and ends them.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

interface PidRecord {
  supervisor: number
  processes: Record<string, { pid: number; command: string }>
}

export function pidFile(dataDir: string): string {
  return join(dataDir, 'pids.json')
}

/** Records the processes a supervisor runs now. */
export function writePids(file: string, processes: PidRecord['processes']): void {
  const record: PidRecord = { supervisor: process.pid, processes }
  writeFileSync(file, JSON.stringify(record, null, 2))
}

/** Kills what a dead supervisor left running; returns the names of the processes it ended. */
export function reapOrphans(dataDir: string): string[] {
  let record: PidRecord
  try {
    record = JSON.parse(readFileSync(pidFile(dataDir), 'utf8')) as PidRecord
  } catch {
    return []
  }
  if (record.supervisor === process.pid || isAlive(record.supervisor)) return []
  const ended: string[] = []
  for (const [name, { pid, command }] of Object.entries(record.processes)) {
    // A pid may have been reused since: only a process still running the same program is ours.
    if (!commandLine(pid).startsWith(command)) continue
    try {
      process.kill(-pid, 'SIGKILL')
      ended.push(name)
    } catch {
      // gone meanwhile
    }
  }
  return ended
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}
