// herald's Kafka layer. kafkajs is imported in this folder only: replace it here and nowhere else.
export * from './assigner.js'
export * from './client.js'
export * from './errors.js'
export * from './publisher.js'
export * from './subscriber.js'
export * from './topic-admin.js'
