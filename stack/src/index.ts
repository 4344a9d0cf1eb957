// The native stack as a library: the start command and the integration tests use the same code.
export * from './kafka-distribution.js'
export * from './kafka-tools.js'
export * from './reporter.js'
export * from './stack.js'
export { ensureTools } from './prerequisites.js'
export { reapOrphans } from './orphans.js'
