import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import OpsApp from '../OpsApp.vue'

describe('OpsApp', () => {
  afterEach(() => {
    sessionStorage.clear()
    vi.unstubAllGlobals()
  })

  it('shows only the token panel, saying an admin token is required, until there is one', async () => {
    const fetchFn = vi.fn<typeof fetch>()
    vi.stubGlobal('fetch', fetchFn)
    const app = mount(OpsApp)
    await flushPromises()

    expect(app.get('[data-testid="token-missing"]').text()).toContain('An admin token is required')
    expect(app.find('#instances-heading').exists()).toBe(false)
    expect(fetchFn).not.toHaveBeenCalled()
    app.unmount()
  })

  it("keeps its token apart from the subscriber page's", () => {
    sessionStorage.setItem('herald.token', 'subscriber')
    const app = mount(OpsApp)
    expect(app.find('[data-testid="token-missing"]').exists()).toBe(true)
    app.unmount()
  })
})
