// What every herald service process shares: logging, graceful shutdown, metrics and the instance
// registry.
export * from './logger.js'
export * from './shutdown.js'
export * from './metrics.js'
export * from './instance-registry.js'
