// How a producer tells every consumer at once that topics were just created: one Redis PUBLISH
// of their names on one channel. Consumers add those topics at once, without listing every topic;
// a slow listing still finds topics other Kafka clients create, and any announcement that Redis
// lost.

import { isValidTopic } from './topic.js'

/** The channel of one herald deployment (its Kafka topic prefix tells deployments apart). */
export function topicAnnouncementChannel(topicPrefix: string): string {
  return `herald:${topicPrefix}:topics-created`
}

export function encodeTopicAnnouncement(topics: readonly string[]): string {
  return JSON.stringify(topics)
}

/** The topics an announcement names, or `undefined` when it is not one. */
export function decodeTopicAnnouncement(message: string): string[] | undefined {
  try {
    const topics: unknown = JSON.parse(message)
    if (!Array.isArray(topics) || !topics.every(isValidTopic)) return undefined
    return topics
  } catch {
    return undefined
  }
}
