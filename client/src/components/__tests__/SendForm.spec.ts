import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import type { SendNotification, SendResult } from '../../lib/notify-client'
import SendForm from '../SendForm.vue'

async function fillAndSubmit(send: SendNotification, fields: Record<string, string>) {
  const form = mount(SendForm, { props: { topics: ['orders', 'alerts'], send } })
  for (const [testId, value] of Object.entries(fields)) {
    await form.get(`[data-testid="${testId}"]`).setValue(value)
  }
  await form.get('form').trigger('submit')
  return form
}

describe('SendForm', () => {
  it('sends JSON text as JSON and shows where it was stored', async () => {
    const send = vi.fn<SendNotification>(() =>
      Promise.resolve({
        ok: true,
        receipt: { topic: 'orders', partition: 2, offset: '41', timestamp: 1 },
      }),
    )
    const form = await fillAndSubmit(send, {
      'send-topic': 'orders',
      'send-message': '{"id": 1}',
      'send-key': 'user-7',
    })
    await flushPromises()

    expect(send).toHaveBeenCalledWith({ topic: 'orders', message: { id: 1 }, key: 'user-7' })
    const result = form.get('[data-testid="send-result"]').text()
    expect(result).toContain('partition 2')
    expect(result).toContain('offset 41')
  })

  it("shows the API's error message and code", async () => {
    const send = vi.fn<SendNotification>(() =>
      Promise.resolve({
        ok: false,
        error: { code: 'kafka_unavailable', message: 'Kafka did not acknowledge in time' },
      }),
    )
    const form = await fillAndSubmit(send, { 'send-topic': 'orders', 'send-message': 'hi' })
    await flushPromises()

    const error = form.get('[data-testid="send-error"]').text()
    expect(error).toContain('Kafka did not acknowledge in time')
    expect(error).toContain('kafka_unavailable')
    expect(form.find('[data-testid="send-result"]').exists()).toBe(false)
  })

  it('disables the button while sending', async () => {
    let answer: (result: SendResult) => void = () => undefined
    const send = vi.fn<SendNotification>(() => new Promise((resolve) => (answer = resolve)))
    const form = await fillAndSubmit(send, { 'send-topic': 'orders', 'send-message': 'hi' })
    const button = form.get<HTMLButtonElement>('[data-testid="send-submit"]')
    expect(button.element.disabled).toBe(true)

    answer({ ok: true, receipt: { topic: 'orders', partition: 0, offset: '0', timestamp: 1 } })
    await flushPromises()
    expect(button.element.disabled).toBe(false)
  })

  it('refuses a body the API would refuse without sending it', async () => {
    const send = vi.fn<SendNotification>()
    const form = await fillAndSubmit(send, { 'send-topic': 'no spaces', 'send-message': 'hi' })

    expect(send).not.toHaveBeenCalled()
    expect(form.get('[data-testid="send-error"]').text()).toContain('invalid_topic')
  })

  it('sends to the key of a keyed stream given as the topic', async () => {
    const send = vi.fn<SendNotification>(() =>
      Promise.resolve({
        ok: true,
        receipt: { topic: 'orders', partition: 0, offset: '1', timestamp: 1 },
      }),
    )
    const form = await fillAndSubmit(send, {
      'send-topic': 'orders#user-42',
      'send-message': 'shipped',
    })
    await flushPromises()

    expect(send).toHaveBeenCalledWith({ topic: 'orders', message: 'shipped', key: 'user-42' })
    expect(form.get<HTMLInputElement>('[data-testid="send-topic"]').element.value).toBe('orders')
    expect(form.get<HTMLInputElement>('[data-testid="send-key"]').element.value).toBe('user-42')
  })

  it('fills in topic and key when a keyed stream is picked', async () => {
    const form = mount(SendForm, { props: { topics: ['orders#user-42'], send: vi.fn() } })
    const topic = form.get<HTMLInputElement>('[data-testid="send-topic"]')
    await topic.setValue('orders#user-42')
    await topic.trigger('change')

    expect(topic.element.value).toBe('orders')
    expect(form.get<HTMLInputElement>('[data-testid="send-key"]').element.value).toBe('user-42')
  })

  it('offers the watched topics as suggestions', () => {
    const form = mount(SendForm, { props: { topics: ['orders', 'alerts'], send: vi.fn() } })
    const listId = form.get('[data-testid="send-topic"]').attributes('list')
    const options = form.findAll(`datalist[id="${listId}"] option`)

    expect(options.map((option) => option.attributes('value'))).toEqual(['orders', 'alerts'])
  })
})
