// --cpu-prof names a profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; once its process
// has ended, the bench renames it after the process it profiled.

import { existsSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'

/** Prefixes each profile in `dir` written by one of `pids` with `<prefix>-<name>-`. */
export function nameProfiles(dir: string, pids: ReadonlyMap<number, string>, prefix: string): void {
  if (!existsSync(dir)) return
  for (const file of readdirSync(dir)) {
    const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(file)?.[1])
    const name = pids.get(pid)
    if (name !== undefined) renameSync(join(dir, file), join(dir, `${prefix}-${name}-${file}`))
  }
}
