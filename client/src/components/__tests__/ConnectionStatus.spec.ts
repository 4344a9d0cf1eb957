import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import ConnectionStatus from '../ConnectionStatus.vue'

describe('ConnectionStatus', () => {
  it.each(['connecting', 'live', 'reconnecting', 'offline'] as const)(
    'shows %s as a word and an attribute, announced politely',
    (state) => {
      const status = mount(ConnectionStatus, { props: { state } }).get(
        '[data-testid="connection-state"]',
      )
      expect(status.attributes('data-state')).toBe(state)
      expect(status.attributes('aria-live')).toBe('polite')
      expect(status.text()).toContain(state)
    },
  )

  it('says when the server cut the page for falling behind', () => {
    const quiet = mount(ConnectionStatus, { props: { state: 'reconnecting' } })
    expect(quiet.find('[data-testid="connection-notice"]').exists()).toBe(false)
    const cut = mount(ConnectionStatus, {
      props: { state: 'reconnecting', notice: { code: 'slow_consumer', message: 'behind' } },
    })
    expect(cut.get('[data-testid="connection-notice"]').text()).toContain('fell behind')
  })
})
