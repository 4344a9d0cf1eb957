import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { createFeedStore } from '../../lib/feed-store'
import { notification } from '../../test-support/fakes'
import NotificationFeed from '../NotificationFeed.vue'

function mountFeed(limitPerTopic = 1000) {
  const store = createFeedStore(limitPerTopic)
  store.add([
    notification({ timestamp: 1 }),
    notification({ timestamp: 2, topic: 'alerts' }),
    notification({ timestamp: 3 }),
  ])
  const { entries, counts } = store.snapshot()
  return mount(NotificationFeed, { props: { entries, counts, topics: ['orders', 'alerts'] } })
}

const shownOffsets = (feed: ReturnType<typeof mountFeed>) =>
  feed.findAll('[data-testid="notification"]').map((item) => item.attributes('data-offset'))

describe('NotificationFeed', () => {
  it('renders the entries in the order given, newest first, and counts them', () => {
    const feed = mountFeed()

    expect(shownOffsets(feed)).toEqual(['3', '2', '1'])
    expect(feed.get('[data-testid="notification-count"]').text()).toBe('3 notifications')
  })

  it('filters by one topic and counts what it shows', async () => {
    const feed = mountFeed()
    const filter = feed.get('[data-testid="topic-filter"]')
    expect(filter.findAll('option').map((option) => option.element.value)).toEqual([
      '',
      'orders',
      'alerts',
    ])

    await filter.setValue('alerts')
    expect(shownOffsets(feed)).toEqual(['2'])
    expect(feed.get('[data-testid="notification-count"]').text()).toBe('1 notification')

    await filter.setValue('')
    expect(shownOffsets(feed)).toEqual(['3', '2', '1'])
  })

  it("filters by a keyed stream: its topic's records of its key", async () => {
    const store = createFeedStore()
    store.add([
      notification({ timestamp: 1, key: 'u1' }),
      notification({ timestamp: 2, key: 'u2' }),
      notification({ timestamp: 3, key: 'u1' }),
      notification({ timestamp: 4, topic: 'alerts', key: 'u1' }),
    ])
    const { entries, counts } = store.snapshot()
    const feed = mount(NotificationFeed, {
      props: { entries, counts, topics: ['orders#u1', 'orders'] },
    })
    await feed.get('[data-testid="topic-filter"]').setValue('orders#u1')

    expect(shownOffsets(feed)).toEqual(['3', '1'])
  })

  it('goes back to all topics when the filtered topic is no longer watched', async () => {
    const feed = mountFeed()
    await feed.get('[data-testid="topic-filter"]').setValue('alerts')
    await feed.setProps({ topics: ['orders'] })

    expect(feed.get<HTMLSelectElement>('[data-testid="topic-filter"]').element.value).toBe('')
  })

  it('says how many were dropped only when some were', async () => {
    const feed = mountFeed(1)
    const notice = feed.get('[data-testid="dropped-notice"]')
    expect(notice.text()).toBe('showing the latest 1 of 2 on orders')

    await feed.get('[data-testid="topic-filter"]').setValue('alerts')
    expect(feed.find('[data-testid="dropped-notice"]').exists()).toBe(false)
  })

  it('has no dropped notice when nothing was dropped', () => {
    expect(mountFeed().find('[data-testid="dropped-notice"]').exists()).toBe(false)
  })
})
