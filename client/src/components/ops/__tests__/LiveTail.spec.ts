import type { Notification, SubscriptionAck } from '@herald/shared'
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import type { HeraldSocket } from '../../../composables/useHerald'
import { notification } from '../../../test-support/fakes'
import LiveTail from '../LiveTail.vue'

/** A connected socket that accepts every subscription and lets the test deliver notifications. */
function acceptingSocket() {
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>()
  const subscribed: string[][] = []
  const socket = {
    connected: true,
    active: true,
    connect: vi.fn(),
    disconnect: vi.fn(),
    on(event: string, listener: (...args: unknown[]) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
      return socket
    },
    emit(event: string, payload: { topics: string[] }, ack: (ack: SubscriptionAck) => void) {
      if (event === 'subscribe') subscribed.push(payload.topics)
      ack({ ok: true, topics: payload.topics, recovery: {}, positions: {} })
      return socket
    },
  }
  return {
    createSocket: () => socket as unknown as HeraldSocket,
    subscribed,
    deliver: (...notifications: Notification[]) =>
      notifications.forEach((n) => listeners.get('notification')?.forEach((l) => l(n))),
  }
}

async function tailing(topic: string) {
  const fake = acceptingSocket()
  const tail = mount(LiveTail, { props: { token: 'admin', createSocket: fake.createSocket } })
  await tail.get('[data-testid="tail-topic"]').setValue(topic)
  await tail.get('form').trigger('submit')
  return { tail, ...fake }
}

const shown = (tail: ReturnType<typeof mount>) =>
  tail.findAll('[data-testid="notification"]').length

describe('LiveTail', () => {
  it('subscribes to the topic typed and shows what arrives, the last 200 only', async () => {
    const { tail, subscribed, deliver } = await tailing('orders')
    expect(subscribed).toEqual([['orders']])

    deliver(...Array.from({ length: 250 }, (_, i) => notification({ timestamp: i + 1 })))
    await vi.waitFor(() => expect(shown(tail)).toBe(200))
    expect(tail.get('[data-testid="notification"]').attributes('data-offset')).toBe('250')
    tail.unmount()
  })

  it('holds still while paused and clears on demand', async () => {
    const { tail, deliver } = await tailing('orders')
    deliver(notification({ timestamp: 1 }))
    await vi.waitFor(() => expect(shown(tail)).toBe(1))

    await tail.get('[data-testid="tail-pause"]').trigger('click')
    deliver(notification({ timestamp: 2 }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(shown(tail)).toBe(1)
    await tail.get('[data-testid="tail-pause"]').trigger('click')
    await vi.waitFor(() => expect(shown(tail)).toBe(2))

    await tail.get('[data-testid="tail-clear"]').trigger('click')
    expect(shown(tail)).toBe(0)
    tail.unmount()
  })

  it('moves the tail to another topic', async () => {
    const { tail, subscribed, deliver } = await tailing('orders')
    deliver(notification({ timestamp: 1 }))
    await tail.get('[data-testid="tail-topic"]').setValue('alerts')
    await tail.get('form').trigger('submit')

    expect(subscribed).toEqual([['orders'], ['alerts']])
    expect(shown(tail)).toBe(0)
    tail.unmount()
  })

  it('says why a pattern cannot be tailed', async () => {
    const { tail, subscribed } = await tailing('orders.*')
    expect(subscribed).toEqual([])
    expect(tail.get('[data-testid="tail-invalid"]').text()).toContain('name a topic')
    tail.unmount()
  })
})
