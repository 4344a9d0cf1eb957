// What every herald service process shares: logging and graceful shutdown.
export * from './logger.js'
export * from './shutdown.js'
