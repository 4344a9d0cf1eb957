// herald's Kafka layer. Its client library is imported in this folder only: replace it here and
// nowhere else.
export * from './assigner.js'
export * from './client.js'
export * from './errors.js'
export * from './fetched-records.js'
export * from './history.js'
export * from './key-scan.js'
export * from './log-reader.js'
export * from './partitioner.js'
export * from './publisher.js'
export * from './record.js'
export * from './subscriber.js'
export * from './topic-admin.js'
