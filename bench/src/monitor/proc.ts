// What Linux says about a process and the machine, read from /proc: CPU time, resident memory,
// children. Every reader returns undefined for a process that is gone rather than throwing.

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's CPU times (USER_HZ), 100 on every common kernel. */
export const TICKS_PER_SECOND = ticksPerSecond()

function ticksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields start after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** User plus system CPU time of a process so far, in ticks. */
export function cpuTicks(pid: number): number | undefined {
  const fields = statFields(pid)
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return fields === undefined ? undefined : Number(fields[11]) + Number(fields[12])
}

/** The processes whose parent is `pid` (nginx's workers, say). */
export function childPids(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    if (statFields(Number(entry))?.[1] === String(pid)) children.push(Number(entry))
  }
  return children
}

/** Resident memory of a process, in bytes. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024
  } catch {
    return undefined
  }
}

/** Busy and total CPU ticks of the whole machine, all cores together. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  const values = line.trim().split(/\s+/).slice(1).map(Number)
  const total = values.reduce((sum, value) => sum + value, 0)
  // idle and iowait are the two idle columns.
  const idle = (values[3] ?? 0) + (values[4] ?? 0)
  return { busy: total - idle, total }
}
