// What every herald service process shares: logging, graceful shutdown and metrics.
export * from './logger.js'
export * from './shutdown.js'
export * from './metrics.js'
