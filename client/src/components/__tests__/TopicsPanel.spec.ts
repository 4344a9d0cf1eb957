import { topicProblem } from '@herald/shared'
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import TopicsPanel from '../TopicsPanel.vue'

function mountPanel(topics: readonly string[] = []) {
  return mount(TopicsPanel, { props: { topics } })
}

describe('TopicsPanel', () => {
  it('shows the topic rule’s reason inline for an invalid name and adds nothing', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="topic-input"]').setValue('no spaces')
    await panel.get('form').trigger('submit')

    expect(panel.get('[data-testid="topic-error"]').text()).toBe(topicProblem('no spaces'))
    expect(panel.get('[data-testid="topic-input"]').attributes('aria-invalid')).toBe('true')
    expect(panel.emitted('add')).toBeUndefined()
  })

  it('clears the error as soon as the name is edited', async () => {
    const panel = mountPanel()
    await panel.get('form').trigger('submit')
    expect(panel.find('[data-testid="topic-error"]').exists()).toBe(true)

    await panel.get('[data-testid="topic-input"]').setValue('orders')
    expect(panel.find('[data-testid="topic-error"]').exists()).toBe(false)
  })

  it('adds a keyed stream, and refuses a pattern or a key left empty', async () => {
    const panel = mountPanel()
    const input = panel.get('[data-testid="topic-input"]')
    for (const refused of ['orders.*', 'orders#']) {
      await input.setValue(refused)
      await panel.get('form').trigger('submit')
      expect(panel.find('[data-testid="topic-error"]').exists()).toBe(true)
    }
    await input.setValue('orders#user-42')
    await panel.get('form').trigger('submit')

    expect(panel.emitted('add')).toEqual([['orders#user-42']])
  })

  it('adds a valid name, trimmed, and empties the input', async () => {
    const panel = mountPanel()
    const input = panel.get<HTMLInputElement>('[data-testid="topic-input"]')
    await input.setValue('  orders ')
    await panel.get('form').trigger('submit')

    expect(panel.emitted('add')).toEqual([['orders']])
    expect(input.element.value).toBe('')
  })

  it('says so when the topic is already watched', async () => {
    const panel = mountPanel(['orders'])
    await panel.get('[data-testid="topic-input"]').setValue('orders')
    await panel.get('form').trigger('submit')

    expect(panel.get('[data-testid="topic-error"]').text()).toContain('already watching orders')
    expect(panel.emitted('add')).toBeUndefined()
  })

  it('lists each watched topic with a button that removes it', async () => {
    const panel = mountPanel(['orders', 'alerts'])
    const chips = panel.findAll('[data-testid="topic-chip"]')
    expect(chips.map((chip) => chip.attributes('data-topic'))).toEqual(['orders', 'alerts'])

    const remove = chips[1]?.get('[data-testid="topic-remove"]')
    expect(remove?.element.tagName).toBe('BUTTON')
    expect(remove?.attributes('aria-label')).toBe('Stop watching alerts')
    await remove?.trigger('click')
    expect(panel.emitted('remove')).toEqual([['alerts']])
  })

  it('shows a subscription the server refused', () => {
    const panel = mount(TopicsPanel, {
      props: {
        topics: ['orders'],
        error: { code: 'too_many_topics', message: 'at most 100 topics per connection' },
      },
    })
    const error = panel.get('[data-testid="subscription-error"]')
    expect(error.text()).toContain('at most 100 topics per connection')
    expect(error.text()).toContain('too_many_topics')
  })
})
