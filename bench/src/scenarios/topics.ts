// Topics at scale (issue 10): what new topics and many topics cost herald. Each function is one
// step of the plan, so a step that fails keeps the others' rows.
//
// - churn (topics-churn.ts): one topic streams at 50/s while new topics appear at each of
//   --topic-rates per second for --churn-seconds, each created by its first POST; a pattern
//   subscriber times each one's first record. Rate 0 is the stream alone.
// - scale (topics-scale.ts): topics topped up to each of --topic-counts straight through Kafka;
//   each process's CPU and RSS while nothing is sent, then one topic streamed at 50/s.
// - hand-over (topics-handover.ts): at each count, SIGTERM to the consumer holding the streamed
//   topic, its restart and its join, as a subscriber on the other consumer sees them.
//
// Every notification is numbered per topic: what was lost or came twice is counted exactly.

export { topicChurn } from './topics-churn.js'
export { consumerHandover } from './topics-handover.js'
export { topicScale } from './topics-scale.js'
