import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import type { AdminClient } from '../../../lib/admin-client'
import { fakeAdmin, notification } from '../../../test-support/fakes'
import HistoryBrowser from '../HistoryBrowser.vue'

const records = Array.from({ length: 6 }, (_, i) =>
  notification({ offset: String(i), timestamp: 100 + i }),
)

/** One partition of six records, answered as the API does with a page size of 2. */
const history: AdminClient['history'] = (_topic, { limit, since }) => {
  const from = since === undefined ? records.length - limit : Number(since['0'])
  const messages = records.slice(Math.max(0, from), Math.max(0, from) + limit)
  const next = { '0': String(Math.max(0, from) + messages.length) }
  return Promise.resolve({ ok: true, value: { topic: 'orders', messages, next } })
}

const offsets = (browser: ReturnType<typeof mount>) =>
  browser.findAll('[data-testid="notification"]').map((item) => item.attributes('data-offset'))

describe('HistoryBrowser', () => {
  it('opens on the newest page and pages back and forth', async () => {
    const admin = fakeAdmin({ history })
    const browser = mount(HistoryBrowser, { props: { admin, pageSize: 2 } })
    await browser.get('[data-testid="history-topic"]').setValue('orders')
    await browser.get('form').trigger('submit')
    await flushPromises()
    expect(offsets(browser)).toEqual(['4', '5'])

    await browser.get('[data-testid="history-older"]').trigger('click')
    await flushPromises()
    expect(offsets(browser)).toEqual(['2', '3'])
    expect(admin.history).toHaveBeenLastCalledWith('orders', { limit: 2, since: { '0': '2' } })

    await browser.get('[data-testid="history-newer"]').trigger('click')
    await flushPromises()
    expect(offsets(browser)).toEqual(['4', '5'])
  })

  it('refuses what is no topic without asking', async () => {
    const admin = fakeAdmin({ history })
    const browser = mount(HistoryBrowser, { props: { admin } })
    await browser.get('[data-testid="history-topic"]').setValue('no spaces')
    await browser.get('form').trigger('submit')

    expect(admin.history).not.toHaveBeenCalled()
    expect(browser.get('[data-testid="api-error"]').attributes('data-code')).toBe('invalid_topic')
  })
})
