// Tells the consumers, through Redis, the topics this producer just created, so that they read a
// new topic from its first record at once. Best effort by design: a notification never waits for
// Redis or fails because of it; when Redis is down, consumers find the topic at their next
// listing (HERALD_TOPIC_REFRESH_MS) instead.

import { encodeTopicAnnouncement, topicAnnouncementChannel } from '@herald/shared'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'

export interface TopicAnnouncer {
  announce(topics: readonly string[]): void
  close(): Promise<void>
}

export function createTopicAnnouncer(
  redisUrl: string,
  topicPrefix: string,
  logger: Logger,
): TopicAnnouncer {
  // No offline queue: an announcement made while Redis is away is dropped, not sent minutes late.
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  let warned = false
  redis.on('error', (error: Error) => {
    if (!warned) logger.warn({ err: error }, 'redis unreachable; new topics found by listing')
    warned = true
  })
  redis.on('ready', () => (warned = false))
  const channel = topicAnnouncementChannel(topicPrefix)
  return {
    announce(topics) {
      if (topics.length === 0 || redis.status !== 'ready') return
      redis.publish(channel, encodeTopicAnnouncement(topics)).catch((error: unknown) => {
        logger.debug({ err: error, topics: topics.length }, 'could not announce topics')
      })
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
