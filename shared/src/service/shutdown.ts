// Graceful shutdown on SIGTERM (compose, the native stack) and SIGINT (Ctrl-C): run the service's
// drain once, exit 0 when it finished, 1 when it failed or overran its time.

import type { Logger } from 'pino'

export interface ShutdownOptions {
  logger: Logger
  /** Longest the drain may take before the process exits anyway. */
  timeoutMs: number
}

export function onShutdownSignal(
  drain: () => Promise<void>,
  { logger, timeoutMs }: ShutdownOptions,
): void {
  let draining = false
  const handle = (signal: NodeJS.Signals): void => {
    if (draining) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now')
      process.exit(1)
    }
    draining = true
    logger.info({ signal }, 'shutting down')
    const overrun = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown overran its time; exiting')
      process.exit(1)
    }, timeoutMs)
    overrun.unref()
    drain().then(
      () => {
        logger.info('stopped')
        process.exit(0)
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', handle)
  process.on('SIGINT', handle)
}
