import { describe, expect, it } from 'vitest'

import {
  decodeTopicAnnouncement,
  encodeTopicAnnouncement,
  topicAnnouncementChannel,
} from '../src/topic-announcement.js'

describe('topic announcements', () => {
  it('round-trips the names of the created topics', () => {
    const message = encodeTopicAnnouncement(['orders', 'user.42.private'])
    expect(decodeTopicAnnouncement(message)).toEqual(['orders', 'user.42.private'])
  })

  it.each([['not json'], ['{"topics":["a"]}'], ['["ok", "no spaces"]'], ['[1]']])(
    'ignores a message that is no announcement: %s',
    (message) => {
      expect(decodeTopicAnnouncement(message)).toBeUndefined()
    },
  )

  it('gives each topic prefix, so each deployment sharing a Redis, its own channel', () => {
    expect(topicAnnouncementChannel('a.')).not.toBe(topicAnnouncementChannel('b.'))
  })
})
