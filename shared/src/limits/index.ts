// Limits every instance of a service shares through Redis.
export * from './slot-limiter.js'
export * from './window-limiter.js'
