// The machine and software a run measured, written beside its figures: numbers from another
// machine, another Kafka or another commit are not comparable.

import { spawnSync } from 'node:child_process'
import { cpus, loadavg, release, totalmem } from 'node:os'

export interface MachineInfo {
  cpuModel: string
  cpuCount: number
  memoryGiB: number
  kernel: string
  /** 1, 5 and 15 minute load averages when the run started: others' work on a shared host. */
  loadAverage: number[]
  versions: Record<string, string>
  commit: string
  /** The work tree differed from the commit: the figures are of that tree, not of the commit. */
  uncommittedChanges: boolean
}

/** The part of a command's output (stdout or stderr: nginx and java print there) `pattern` picks. */
function versionOf(command: string, args: string[], pattern: RegExp): string {
  const { stdout, stderr } = spawnSync(command, args, { encoding: 'utf8' })
  return pattern.exec(`${stdout ?? ''}${stderr ?? ''}`)?.[1] ?? 'unknown'
}

export function describeMachine(kafkaVersion: string): MachineInfo {
  const processors = cpus()
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    versions: {
      node: process.versions.node,
      kafka: kafkaVersion,
      nginx: versionOf('nginx', ['-v'], /nginx\/(\S+)/),
      redis: versionOf('redis-server', ['--version'], /v=(\S+)/),
      java: versionOf('java', ['-version'], /version "([^"]+)"/),
    },
    commit: versionOf('git', ['rev-parse', '--short', 'HEAD'], /^(\w+)/),
    uncommittedChanges:
      spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        encoding: 'utf8',
      }).stdout?.trim() !== '',
  }
}
