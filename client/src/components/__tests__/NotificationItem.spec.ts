import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { notification } from '../../test-support/fakes'
import NotificationItem from '../NotificationItem.vue'

describe('NotificationItem', () => {
  it('renders markup in a message as text, never as elements', () => {
    const markup = '<img src=x onerror=alert(1)>'
    const item = mount(NotificationItem, {
      props: { notification: notification({ timestamp: 1, message: markup }) },
    })

    expect(item.find('img').exists()).toBe(false)
    expect(item.get('[data-testid="notification-message"]').text()).toBe(markup)
  })

  it('renders markup inside a JSON message as text too', () => {
    const item = mount(NotificationItem, {
      props: {
        notification: notification({ timestamp: 1, message: { html: '<script>x</script>' } }),
      },
    })

    expect(item.find('script').exists()).toBe(false)
    expect(item.get('pre').text()).toContain('"html": "<script>x</script>"')
  })

  it('pretty-prints a JSON message in a pre', () => {
    const item = mount(NotificationItem, {
      props: { notification: notification({ timestamp: 1, message: { id: 7 } }) },
    })
    const message = item.get('[data-testid="notification-message"]')

    expect(message.element.tagName).toBe('PRE')
    expect(message.text()).toBe('{\n  "id": 7\n}')
  })

  it('identifies the record and shows its topic, time and key', () => {
    const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5, 67)
    const item = mount(NotificationItem, {
      props: {
        notification: notification({
          timestamp,
          topic: 'alerts',
          partition: 2,
          offset: '41',
          key: 'user-7',
        }),
      },
    })
    const root = item.get('[data-testid="notification"]')

    expect(root.attributes()).toMatchObject({
      'data-topic': 'alerts',
      'data-partition': '2',
      'data-offset': '41',
    })
    expect(root.text()).toContain('alerts')
    expect(item.get('time').attributes('datetime')).toBe('2026-01-02T03:04:05.067Z')
    expect(item.get('[data-testid="notification-key"]').text()).toContain('user-7')
  })

  it('shows no key when the record has none', () => {
    const item = mount(NotificationItem, {
      props: { notification: notification({ timestamp: 1 }) },
    })

    expect(item.find('[data-testid="notification-key"]').exists()).toBe(false)
  })
})
