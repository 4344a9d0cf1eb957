// Runs the stack's processes the way compose would: start one and wait until it is ready, restart
// it when it dies on its own (`restart: unless-stopped`), stop all of them in reverse order.

import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { closeSync, openSync, readFileSync } from 'node:fs'

import { writePids } from './orphans.js'

export interface ProcessSpec {
  name: string
  command: string
  args: readonly string[]
  env?: Readonly<Record<string, string>>
  cwd?: string
  /** stdout and stderr are appended here. */
  logFile: string
  /** Resolves true once the process serves; polled until `readyTimeoutMs`. */
  probe: () => Promise<boolean>
  readyTimeoutMs: number
  /** How to ask the process to stop, and how long to wait before SIGKILL. */
  stopSignal?: NodeJS.Signals
  stopTimeoutMs?: number
}

export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError'
}

export interface SupervisorEvents {
  /** A process died on its own and will be started again after `delayMs`. */
  restarting: [name: string, reason: string, delayMs: number]
  restarted: [name: string, pid: number]
}

interface Managed {
  spec: ProcessSpec
  child: ChildProcess
  startedAt: number
  failures: number
  /** Set once the probe first succeeded: only a process that was ready is restarted. */
  everReady: boolean
  stopping: boolean
}

const PROBE_INTERVAL_MS = 100
const MAX_RESTART_DELAY_MS = 10_000

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #processes = new Map<string, Managed>()
  readonly #pidFile: string | undefined
  #stopping = false

  /** @param pidFile where to record the running processes, for reapOrphans after a crash */
  constructor(pidFile?: string) {
    super()
    this.#pidFile = pidFile
  }

  /** Starts a process and resolves once its probe says it is ready. */
  async start(spec: ProcessSpec): Promise<void> {
    if (this.#processes.has(spec.name)) throw new Error(`${spec.name} is already running`)
    const managed: Managed = {
      spec,
      child: this.#spawn(spec),
      startedAt: Date.now(),
      failures: 0,
      everReady: false,
      stopping: false,
    }
    this.#processes.set(spec.name, managed)
    this.#recordPids()
    await this.#awaitReady(managed)
  }

  names(): string[] {
    return [...this.#processes.keys()]
  }

  pid(name: string): number | undefined {
    return this.#processes.get(name)?.child.pid
  }

  /** Sends a signal to one process, as a test or an operator would. It is restarted if it dies. */
  signal(name: string, signal: NodeJS.Signals): void {
    const pid = this.pid(name)
    if (pid === undefined) throw new Error(`no process named ${name}`)
    process.kill(pid, signal)
  }

  /** Resolves once `name` is ready again, after a restart for instance. */
  async waitReady(name: string, timeoutMs?: number): Promise<void> {
    const managed = this.#processes.get(name)
    if (managed === undefined) throw new Error(`no process named ${name}`)
    await this.#awaitReady(managed, timeoutMs)
  }

  /** Stops every process, the last started first. */
  async stopAll(): Promise<void> {
    this.#stopping = true
    for (const name of [...this.#processes.keys()].reverse()) await this.stop(name)
  }

  /** Stops `name` while `during` runs (nothing restarts it meanwhile), then starts it again. */
  async whileStopped<T>(name: string, during: () => Promise<T>): Promise<T> {
    const managed = this.#processes.get(name)
    if (managed === undefined) throw new Error(`no process named ${name}`)
    await this.stop(name)
    try {
      return await during()
    } finally {
      await this.start(managed.spec)
    }
  }

  async stop(name: string): Promise<void> {
    const managed = this.#processes.get(name)
    if (managed === undefined) return
    managed.stopping = true
    const { child, spec } = managed
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      killGroup(child, spec.stopSignal ?? 'SIGTERM')
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), spec.stopTimeoutMs ?? 10_000)
      await exited
      clearTimeout(timer)
    }
    // Whatever the process left in its group (nginx workers, say) goes with it.
    killGroup(child, 'SIGKILL')
    this.#processes.delete(name)
    this.#recordPids()
  }

  #recordPids(): void {
    if (this.#pidFile === undefined) return
    const pids: Record<string, number> = {}
    for (const [name, { child }] of this.#processes) {
      if (child.pid !== undefined) pids[name] = child.pid
    }
    try {
      writePids(this.#pidFile, pids)
    } catch {
      // The record only helps a later start reap what a killed supervisor left; its folder removed
      // under a running stack must not cut a shutdown short and leave the remaining processes up.
    }
  }

  #spawn(spec: ProcessSpec): ChildProcess {
    const log = openSync(spec.logFile, 'a')
    try {
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', log, log],
        // Own process group: Ctrl-C reaches the supervisor only, which then stops things in order.
        detached: true,
      })
      child.on('error', () => undefined) // reported through 'exit' and the probe
      child.on('exit', (code, signal) => this.#onExit(spec.name, child, code, signal))
      return child
    } finally {
      closeSync(log)
    }
  }

  #onExit(
    name: string,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    const managed = this.#processes.get(name)
    if (managed === undefined || managed.child !== child || managed.stopping || this.#stopping)
      return
    // Dying during its first start is a configuration problem that start() reports, not a crash.
    if (!managed.everReady) return
    // A process that ran for a while before dying starts over with a short delay.
    if (Date.now() - managed.startedAt > 30_000) managed.failures = 0
    const delayMs = Math.min(200 * 2 ** managed.failures, MAX_RESTART_DELAY_MS)
    managed.failures += 1
    this.emit(
      'restarting',
      name,
      signal ? `killed by ${signal}` : `exited with code ${code}`,
      delayMs,
    )
    setTimeout(() => {
      if (managed.stopping || this.#stopping) return
      managed.child = this.#spawn(managed.spec)
      managed.startedAt = Date.now()
      this.#recordPids()
      if (managed.child.pid !== undefined) this.emit('restarted', name, managed.child.pid)
    }, delayMs)
  }

  async #awaitReady(managed: Managed, timeoutMs = managed.spec.readyTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs
    const { spec } = managed
    for (;;) {
      const { child } = managed
      const exited = child.exitCode !== null || child.signalCode !== null
      if (!exited && (await spec.probe().catch(() => false))) {
        managed.everReady = true
        return
      }
      if (exited && !managed.everReady) {
        throw new ProcessStartError(`${spec.name} exited during start-up:\n${tail(spec.logFile)}`)
      }
      if (Date.now() > deadline) {
        throw new ProcessStartError(
          `${spec.name} was not ready within ${timeoutMs} ms:\n${tail(spec.logFile)}`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS))
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

function tail(logFile: string, lines = 15): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
