// A limit that cannot be checked lets the request through: Redis being slow or down must not stop
// every publish and every connection. Each such pass is logged, at most once per interval.

import type { Logger } from '../service/logger.js'

export interface FailOpenOptions {
  logger: Logger
  /** Longest wait for Redis before letting a request through unchecked. @default 250 */
  timeoutMs?: number
}

const WARN_INTERVAL_MS = 10_000
let lastWarning = 0

/** `check`'s answer, or undefined when Redis failed or took longer than `timeoutMs`. */
export async function failOpen<T>(
  check: Promise<T>,
  { logger, timeoutMs = 250 }: FailOpenOptions,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs)
  })
  try {
    const answer = await Promise.race([check, late])
    if (answer !== 'late') return answer
    warn(logger, new Error(`no answer within ${timeoutMs} ms`))
  } catch (error) {
    warn(logger, error)
  } finally {
    clearTimeout(timer)
  }
  // A late answer still arrives; it must not become an unhandled rejection.
  check.catch(() => undefined)
  return undefined
}

function warn(logger: Logger, error: unknown): void {
  const now = Date.now()
  if (now - lastWarning < WARN_INTERVAL_MS) return
  lastWarning = now
  logger.warn({ err: error }, 'limits not checked: Redis did not answer; letting requests through')
}
