// The child's side of process/child.ts: its configuration, messages to the orchestrator, and an
// end that reports failures instead of dying silently.

import type { ChildMessage } from './child.js'

/** The configuration the orchestrator passed as the only argument. */
export function childConfig<T>(): T {
  const raw = process.argv[2]
  if (raw === undefined) throw new Error('started without a configuration; run npm run bench')
  return JSON.parse(raw) as T
}

export function tellParent<T extends ChildMessage>(message: T): void {
  process.send?.(message)
}

/** Messages from the orchestrator, by type. */
export function onParentMessage<T extends ChildMessage>(
  type: T['type'],
  handler: (message: T) => void,
): void {
  process.on('message', (message: ChildMessage) => {
    if (message.type === type) handler(message as T)
  })
}

/**
 * Runs the child's work; a failure reaches the orchestrator as an `error` message. The process
 * exits once its IPC channel is drained, or on SIGTERM.
 */
export function runChild(work: () => Promise<void>): void {
  process.once('SIGTERM', () => process.exit(0))
  // The orchestrator is gone: nothing is left to report to.
  process.once('disconnect', () => process.exit(0))
  work().catch((error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    tellParent({ type: 'error', message })
    process.exitCode = 1
    setTimeout(() => process.exit(1), 100)
  })
}
