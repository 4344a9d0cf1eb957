// The public contract of herald, safe to import in Node and in the browser.
export * from './errors.js'
export * from './events.js'
export * from './notification.js'
export * from './position.js'
export * from './subscription.js'
export * from './topic.js'
export * from './topic-announcement.js'
export * from './admin-api.js'
