// The composable's own logic against a stand-in socket: no server, no Socket.IO. The real
// connection is exercised by the browser end-to-end tests.
import type { Notification, SubscriptionAck } from '@herald/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'

import { fakeFrames, notification } from '../../test-support/fakes'
import { useHerald, type HeraldOptions, type HeraldSocket } from '../useHerald'

type Listener = (...args: unknown[]) => void

interface Emitted {
  event: string
  payload: unknown
  ack: (ack: SubscriptionAck) => void
}

/** Records what the composable emits and lets a test play the server's and the network's part. */
class FakeSocket {
  connected = false
  active = true
  readonly emitted: Emitted[] = []
  readonly connect = vi.fn(() => this)
  readonly disconnect = vi.fn(() => this)
  private readonly listeners = new Map<string, Listener[]>()

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  emit(event: string, payload: unknown, ack: Emitted['ack']): this {
    this.emitted.push({ event, payload, ack })
    return this
  }

  open(): void {
    this.connected = true
    this.fire('connect')
  }

  drop(reason: string): void {
    this.connected = false
    this.fire('disconnect', reason)
  }

  refuse(): void {
    this.active = false
    this.fire('connect_error', new Error('refused'))
  }

  deliver(...notifications: Notification[]): void {
    for (const n of notifications) this.fire('notification', n)
  }

  /** The last emit, acknowledged as the server would. */
  answerLast(ack: SubscriptionAck): Emitted | undefined {
    const last = this.emitted.at(-1)
    last?.ack(ack)
    return last
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args)
  }
}

const scopes: ReturnType<typeof effectScope>[] = []
afterEach(() => scopes.splice(0).forEach((scope) => scope.stop()))

function setup(options: HeraldOptions = {}) {
  const socket = new FakeSocket()
  const frames = fakeFrames()
  const scope = effectScope()
  scopes.push(scope)
  const herald = scope.run(() =>
    useHerald({
      createSocket: () => socket as unknown as HeraldSocket,
      scheduler: frames,
      ...options,
    }),
  )
  if (herald === undefined) throw new Error('useHerald returned nothing')
  return { socket, frames, herald }
}

const payloads = (socket: FakeSocket) =>
  socket.emitted.map(({ event, payload }) => [event, payload])

describe('useHerald', () => {
  it('is connecting, then live', () => {
    const { socket, herald } = setup()
    expect(herald.state.value).toBe('connecting')

    socket.open()
    expect(herald.state.value).toBe('live')
  })

  it('subscribes to every watched topic on each connect, new sessions having none', () => {
    const { socket, herald } = setup({ initialTopics: ['orders', 'bad name', 'orders'] })
    socket.open()
    socket.drop('transport close')
    expect(herald.state.value).toBe('reconnecting')

    herald.addTopic('alerts')
    socket.open()

    expect(payloads(socket)).toEqual([
      ['subscribe', { topics: ['orders'] }],
      ['subscribe', { topics: ['orders', 'alerts'] }],
    ])
  })

  it('subscribes to an added topic at once when live', () => {
    const { socket, herald } = setup()
    socket.open()
    herald.addTopic('orders')
    herald.addTopic('orders')
    herald.addTopic('__reserved')

    expect(payloads(socket)).toEqual([['subscribe', { topics: ['orders'] }]])
    expect(herald.topics.value).toEqual(['orders'])
  })

  it('shows a refused subscription and stops listing the topic as watched', () => {
    const { socket, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    herald.addTopic('alerts')
    const error = { code: 'too_many_topics', message: 'at most 1 topic per connection' } as const
    socket.answerLast({ ok: false, error })

    expect(herald.subscriptionError.value).toEqual(error)
    expect(herald.topics.value).toEqual(['orders'])

    herald.addTopic('other')
    socket.answerLast({ ok: true, topics: ['orders', 'other'] })
    expect(herald.subscriptionError.value).toBeUndefined()
  })

  it('unsubscribes from a removed topic and drops its notifications', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders', 'alerts'] })
    socket.open()
    socket.deliver(notification({ timestamp: 1 }), notification({ timestamp: 2, topic: 'alerts' }))
    frames.runFrame()

    herald.removeTopic('orders')

    expect(payloads(socket).at(-1)).toEqual(['unsubscribe', { topics: ['orders'] }])
    expect(herald.topics.value).toEqual(['alerts'])
    expect(herald.feed.value.entries.map((entry) => entry.id)).toEqual(['alerts:0:2'])
  })

  it('applies notifications once a frame, newest first, and ignores unwatched topics', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.deliver(
      notification({ timestamp: 1 }),
      notification({ timestamp: 2, topic: 'elsewhere' }),
      notification({ timestamp: 3 }),
    )
    expect(herald.feed.value.entries).toEqual([])
    expect(frames.pending).toBe(1)

    frames.runFrame()
    expect(herald.feed.value.entries.map((entry) => entry.id)).toEqual(['orders:0:3', 'orders:0:1'])
  })

  it('drops notifications queued for a topic removed before the frame', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.deliver(notification({ timestamp: 1 }))
    herald.removeTopic('orders')
    frames.runFrame()

    expect(herald.feed.value.entries).toEqual([])
  })

  it('reconnects when the server ends the session, which socket.io-client does not retry', () => {
    const { socket, herald } = setup()
    socket.open()
    socket.drop('transport close')
    expect(socket.connect).not.toHaveBeenCalled()

    socket.drop('io server disconnect')
    expect(socket.connect).toHaveBeenCalledOnce()
    expect(herald.state.value).toBe('reconnecting')
  })

  it('is offline while the browser is, and when the server refuses the connection', () => {
    const { socket, herald } = setup()
    socket.open()
    window.dispatchEvent(new Event('offline'))
    expect(herald.state.value).toBe('offline')
    window.dispatchEvent(new Event('online'))
    expect(herald.state.value).toBe('live')

    socket.drop('transport close')
    socket.refuse()
    expect(herald.state.value).toBe('offline')
  })

  it('tries again when the browser comes back online after a refusal', () => {
    const { socket, herald } = setup()
    socket.refuse()
    window.dispatchEvent(new Event('offline'))
    window.dispatchEvent(new Event('online'))

    expect(socket.connect).toHaveBeenCalledOnce()
    expect(herald.state.value).toBe('reconnecting')
  })

  it('closes the connection and stops listening when its scope ends', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.deliver(notification({ timestamp: 1 }))
    scopes.pop()?.stop()

    expect(socket.disconnect).toHaveBeenCalledOnce()
    expect(frames.pending).toBe(0)
    window.dispatchEvent(new Event('offline'))
    expect(herald.state.value).toBe('live')
  })
})
