// Runs a piece of the bench (a load generator, a subscriber worker, a baseline server) in a
// process of its own, so that what measures and what is measured never share an event loop, and
// every process shows up separately in /proc.

import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ChildMessage {
  type: string
}

export interface ForkOptions {
  /** Extra node flags, such as --cpu-prof for a baseline server. */
  nodeArgs?: readonly string[]
  /** Longest a child may take to send any awaited message. */
  timeoutMs?: number
}

export class BenchChild {
  readonly #child: ChildProcess
  readonly #name: string
  readonly #inbox: ChildMessage[] = []
  readonly #listeners = new Map<string, (message: ChildMessage) => void>()
  #waiters: (() => void)[] = []
  #exit: string | undefined

  constructor(child: ChildProcess, name: string) {
    this.#child = child
    this.#name = name
    child.on('message', (message: ChildMessage) => {
      const listener = this.#listeners.get(message.type)
      if (listener !== undefined) return listener(message)
      this.#inbox.push(message)
      this.#wake()
    })
    child.on('exit', (code, signal) => {
      this.#exit = signal ? `killed by ${signal}` : `exited with code ${code}`
      this.#wake()
    })
  }

  get name(): string {
    return this.#name
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error(`${this.#name} has no pid`)
    return this.#child.pid
  }

  send<T extends ChildMessage>(message: T): void {
    this.#child.send(message)
  }

  /** Hands every later message of `type` to `handler` instead of queueing it for receive(). */
  listen<T extends ChildMessage>(type: T['type'], handler: (message: T) => void): void {
    this.#listeners.set(type, handler as (message: ChildMessage) => void)
  }

  /** The next message of `type`; rejects when the child exits first or stays silent too long. */
  async receive<T extends ChildMessage>(type: T['type'], timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.#inbox.findIndex((message) => message.type === type)
      if (index >= 0) return this.#inbox.splice(index, 1)[0] as T
      const error = this.#inbox.find((message) => message.type === 'error') as
        (ChildMessage & { message: string }) | undefined
      if (error !== undefined) throw new Error(`${this.#name}: ${error.message}`)
      if (this.#exit !== undefined) throw new Error(`${this.#name} ${this.#exit} before "${type}"`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`${this.#name} sent no "${type}" within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Asks the child to end (SIGTERM), then kills it if it has not within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#exit !== undefined) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }
}

/**
 * Starts `module` (a path relative to this package's dist/, e.g. `load/http-load.js`) with its
 * configuration as the one argument; see parent-link.ts for the child's side.
 */
export function forkBench(
  module: string,
  name: string,
  config: unknown,
  { nodeArgs = [] }: ForkOptions = {},
): BenchChild {
  const path = fileURLToPath(new URL(`../${module}`, import.meta.url))
  const child = fork(path, [JSON.stringify(config)], {
    execArgv: ['--enable-source-maps', ...nodeArgs],
    // Structured clone: histograms' nested arrays travel without a JSON round trip.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new BenchChild(child, name)
}
