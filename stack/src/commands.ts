// Running external programs: finding them on PATH and running one to completion.

import { spawn, type SpawnOptions } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The absolute path of `command` on PATH, or `undefined`. */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  // Debian puts nginx and redis-server in sbin, which is not on every user's PATH.
  const dirs = [...path.split(delimiter), '/usr/sbin', '/sbin']
  for (const dir of dirs) {
    if (dir === '') continue
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here; keep looking
    }
  }
  return undefined
}

export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError'

  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(
      `${command} failed (exit ${exitCode}):\n${output.trim().split('\n').slice(-20).join('\n')}`,
    )
  }
}

export interface RunOptions extends SpawnOptions {
  /** Text written to the program's stdin. */
  input?: string
  /** Called with each line the program prints, stdout and stderr alike. */
  onLine?: (line: string) => void
  /** Kill the program after this long. */
  timeoutMs?: number
}

/** Runs a program to completion; resolves with its stdout, rejects with CommandFailedError. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const { input, onLine, timeoutMs, ...spawnOptions } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let combined = ''
    let partial = ''
    const collect = (chunk: Buffer, isStdout: boolean): void => {
      const text = chunk.toString('utf8')
      if (isStdout) stdout += text
      combined += text
      if (onLine === undefined) return
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) onLine(line)
    }
    child.stdout?.on('data', (chunk: Buffer) => collect(chunk, true))
    child.stderr?.on('data', (chunk: Buffer) => collect(chunk, false))
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            combined += `\n(killed after ${timeoutMs} ms)`
            child.kill('SIGKILL')
          }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new CommandFailedError([command, ...args].join(' '), code, combined))
    })
    child.stdin?.end(input ?? '')
  })
}
