import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import type { RecoveryNotice } from '../../lib/recovery-notices'
import RecoveryNotices from '../RecoveryNotices.vue'

const expired: RecoveryNotice = {
  kind: 'gap',
  topic: 'orders',
  reason: 'position_expired',
  replayed: 0,
}
const recovered: RecoveryNotice = { kind: 'recovered', topic: 'alerts', replayed: 12 }

describe('RecoveryNotices', () => {
  it('shows each gap with its topic and reason, ahead of the recovery notes', () => {
    const view = mount(RecoveryNotices, { props: { notices: [recovered, expired] } })
    const items = view.findAll('li')

    expect(items.map((item) => item.attributes('data-testid'))).toEqual([
      'recovery-gap',
      'recovery-note',
    ])
    const gap = view.get('[data-testid="recovery-gap"]')
    expect(gap.attributes('data-topic')).toBe('orders')
    expect(gap.attributes('data-reason')).toBe('position_expired')
    expect(gap.text()).toContain("they are older than the topic's retention")
    expect(view.get('[data-testid="recovery-note"][data-topic="alerts"]').text()).toContain(
      'recovered 12 missed messages on alerts',
    )
  })

  it('asks to dismiss a notice and renders no list when there is none', async () => {
    const view = mount(RecoveryNotices, { props: { notices: [expired] } })
    await view.get('[data-testid="recovery-gap"] button').trigger('click')
    expect(view.emitted('dismiss')).toEqual([[expired]])

    await view.setProps({ notices: [] })
    expect(view.find('ul').exists()).toBe(false)
    expect(view.find('[aria-live="polite"]').exists()).toBe(true)
  })
})
