// The composable's own logic against a stand-in socket: no server, no Socket.IO. The real
// connection is exercised by the browser end-to-end tests.
import type { Notification, Position, RecoveryVerdict, SubscriptionAck } from '@herald/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, shallowRef } from 'vue'

import { fakeFrames, notification } from '../../test-support/fakes'
import {
  RESUBSCRIBE_DELAY_MS,
  useHerald,
  type HeraldOptions,
  type HeraldSocket,
} from '../useHerald'

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

  /** The last emit, accepted: its topics at `positions`, each with `recovery`'s verdict or new. */
  acceptLast(
    positions: Record<string, Position>,
    recovery: Record<string, RecoveryVerdict> = {},
  ): void {
    const { topics } = this.emitted.at(-1)?.payload as { topics: string[] }
    this.answerLast({
      ok: true,
      topics: [...topics].sort(),
      recovery: Object.fromEntries(
        topics.map((topic) => [topic, recovery[topic] ?? { status: 'new', replayed: 0 }]),
      ),
      positions,
    })
  }

  fire(event: string, ...args: unknown[]): void {
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

    // No ack came before the drop, so the page has no position yet: the server replays from the start.
    expect(payloads(socket)).toEqual([
      ['subscribe', { topics: ['orders'] }],
      ['subscribe', { topics: ['orders', 'alerts'], positions: {} }],
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

  it("shows a keyed stream only its key's notifications, and each once beside its topic", () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders#u1', 'bad#'] })
    expect(herald.topics.value).toEqual(['orders#u1'])
    socket.open()
    expect(payloads(socket)).toEqual([['subscribe', { topics: ['orders#u1'] }]])
    socket.deliver(
      notification({ timestamp: 1, key: 'u1' }),
      notification({ timestamp: 2, key: 'u2' }),
      notification({ timestamp: 3 }),
    )
    frames.runFrame()
    expect(herald.feed.value.entries.map((entry) => entry.id)).toEqual(['orders:0:1'])

    herald.addTopic('orders')
    socket.deliver(notification({ timestamp: 4, key: 'u1' }), notification({ timestamp: 5 }))
    frames.runFrame()
    expect(herald.feed.value.entries.map((entry) => entry.id)).toEqual([
      'orders:0:5',
      'orders:0:4',
      'orders:0:1',
    ])

    // The topic goes; its key's stream stays, with only its own notifications.
    herald.removeTopic('orders')
    expect(herald.topics.value).toEqual(['orders#u1'])
    expect(herald.feed.value.entries.map((entry) => entry.id)).toEqual(['orders:0:4', 'orders:0:1'])
    expect(herald.feed.value.counts.get('orders')).toEqual({ shown: 2, received: 2 })
  })

  it("recovers a keyed stream from its topic's positions", () => {
    const { socket, herald } = setup({ initialTopics: ['orders#u1'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '9' } })
    socket.deliver(notification({ timestamp: 1, offset: '12', key: 'u1' }))
    socket.drop('transport close')
    socket.open()

    expect(herald.topics.value).toEqual(['orders#u1'])
    expect(payloads(socket).at(-1)).toEqual([
      'subscribe',
      { topics: ['orders#u1'], positions: { orders: { '0': '13' } } },
    ])
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

const shownIds = (herald: ReturnType<typeof setup>['herald']) =>
  herald.feed.value.entries.map((entry) => entry.id)

describe('useHerald after a reconnect', () => {
  it('sends, in one subscribe, the positions of the ack moved past every arrival, shown or not', () => {
    const { socket, herald } = setup({ initialTopics: ['orders', 'alerts'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '9', '1': '3' }, alerts: { '0': '0' } })
    // Still queued for the next frame when the connection drops.
    socket.deliver(notification({ timestamp: 1, offset: '9' }))
    socket.deliver(notification({ timestamp: 2, offset: '10' }))
    socket.drop('transport close')
    herald.addTopic('audit')
    socket.open()

    expect(socket.emitted).toHaveLength(2)
    expect(payloads(socket).at(-1)).toEqual([
      'subscribe',
      {
        topics: ['orders', 'alerts', 'audit'],
        positions: { orders: { '0': '11', '1': '3' }, alerts: { '0': '0' } },
      },
    ])
  })

  it('subscribes to a topic added while connected as a first subscription', () => {
    const { socket, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '1' } })
    socket.drop('transport close')
    socket.open()
    socket.acceptLast({ orders: { '0': '1' } })
    herald.addTopic('alerts')

    expect(payloads(socket).at(-1)).toEqual(['subscribe', { topics: ['alerts'] }])
  })

  it('says a slow_consumer cut until the reconnection caught up from its positions', () => {
    const { socket, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '1' } })
    socket.deliver(notification({ timestamp: 1 }))
    const cut = { code: 'slow_consumer' as const, message: 'this connection fell behind' }
    socket.fire('slow_consumer', cut)
    socket.drop('transport close')
    expect(herald.connectionNotice.value).toEqual(cut)
    socket.open()
    expect(payloads(socket).at(-1)).toEqual([
      'subscribe',
      { topics: ['orders'], positions: { orders: { '0': '2' } } },
    ])
    expect(herald.connectionNotice.value).toEqual(cut)
    socket.acceptLast({ orders: { '0': '4' } }, { orders: { status: 'recovered', replayed: 2 } })
    expect(herald.connectionNotice.value).toBeUndefined()
  })

  it('shows each record once when the replay repeats what came before the drop', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '1' } })
    socket.deliver(notification({ timestamp: 1 }), notification({ timestamp: 2 }))
    frames.runFrame()
    socket.drop('transport close')
    socket.open()

    // Replayed before the ack (a consumer crashed before committing), then live after it.
    socket.deliver(...[1, 2, 3, 4].map((timestamp) => notification({ timestamp })))
    socket.acceptLast({ orders: { '0': '5' } }, { orders: { status: 'recovered', replayed: 3 } })
    socket.deliver(notification({ timestamp: 5 }), notification({ timestamp: 2 }))
    frames.runFrame()

    expect(shownIds(herald)).toEqual([
      'orders:0:5',
      'orders:0:4',
      'orders:0:3',
      'orders:0:2',
      'orders:0:1',
    ])
    expect(herald.feed.value.counts.get('orders')).toEqual({ shown: 5, received: 5 })
  })

  it('keeps each partition in offset order when a record below the position comes late', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '8' } })
    socket.deliver(notification({ timestamp: 9, offset: '9' }))
    frames.runFrame()
    socket.drop('transport close')
    socket.open()
    // Written before the first subscription, reached by the consumers only now.
    socket.deliver(notification({ timestamp: 7, offset: '7' }))
    socket.deliver(notification({ timestamp: 10, offset: '10' }))
    socket.acceptLast({ orders: { '0': '11' } })
    frames.runFrame()

    expect(shownIds(herald)).toEqual(['orders:0:10', 'orders:0:9', 'orders:0:7'])
  })

  it('keeps the per-topic bound through a replay larger than it', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '0' } })
    socket.drop('transport close')
    socket.open()
    socket.deliver(...Array.from({ length: 1200 }, (_, i) => notification({ timestamp: i })))
    socket.acceptLast(
      { orders: { '0': '1200' } },
      { orders: { status: 'recovered', replayed: 1200 } },
    )
    frames.runFrame()

    expect(herald.feed.value.entries).toHaveLength(1000)
    expect(herald.feed.value.entries[0]?.id).toBe('orders:0:1199')
    expect(herald.feed.value.counts.get('orders')).toEqual({ shown: 1000, received: 1200 })
  })

  it('asks again from the same place when the connection drops before the ack', () => {
    const { socket } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '2' } })
    socket.drop('transport close')
    socket.open()
    socket.deliver(notification({ timestamp: 2 }), notification({ timestamp: 3 }))
    socket.drop('transport close')
    socket.open()

    expect(payloads(socket).slice(1)).toEqual([
      ['subscribe', { topics: ['orders'], positions: { orders: { '0': '2' } } }],
      ['subscribe', { topics: ['orders'], positions: { orders: { '0': '2' } } }],
    ])
  })

  it('shows a gap it could not fill per topic until dismissed, and notes a recovery', () => {
    const { socket, herald } = setup({ initialTopics: ['orders', 'alerts'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '1' }, alerts: { '0': '1' } })
    socket.drop('transport close')
    socket.open()
    socket.acceptLast(
      { orders: { '0': '9' }, alerts: { '0': '4' } },
      {
        orders: { status: 'not_recovered', replayed: 2, reason: 'position_expired' },
        alerts: { status: 'recovered', replayed: 3 },
      },
    )

    expect(herald.recoveryNotices.value).toEqual([
      { kind: 'gap', topic: 'orders', reason: 'position_expired', replayed: 2 },
      { kind: 'recovered', topic: 'alerts', replayed: 3 },
    ])
    const [gap] = herald.recoveryNotices.value
    if (gap === undefined) throw new Error('no gap')
    herald.dismissNotice(gap)
    expect(herald.recoveryNotices.value).toEqual([
      { kind: 'recovered', topic: 'alerts', replayed: 3 },
    ])
    herald.removeTopic('alerts')
    expect(herald.recoveryNotices.value).toEqual([])
  })

  it('asks again from its position when an offset skips, shows the replay once and says so', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '5' } })
    socket.deliver(notification({ timestamp: 5 }))
    expect(socket.emitted).toHaveLength(1)

    // Offsets 6 and 7 never came: one subscribe asks for them, however many arrive meanwhile.
    socket.deliver(notification({ timestamp: 8 }), notification({ timestamp: 9 }))
    expect(payloads(socket).slice(1)).toEqual([
      ['subscribe', { topics: ['orders'], positions: { orders: { '0': '6' } } }],
    ])
    socket.deliver(...[6, 7, 8, 9].map((timestamp) => notification({ timestamp })))
    socket.acceptLast({ orders: { '0': '10' } }, { orders: { status: 'recovered', replayed: 4 } })
    frames.runFrame()

    expect(shownIds(herald)).toEqual([
      'orders:0:9',
      'orders:0:8',
      'orders:0:7',
      'orders:0:6',
      'orders:0:5',
    ])
    expect(herald.recoveryNotices.value).toEqual([
      { kind: 'recovered', topic: 'orders', replayed: 4 },
    ])
    socket.deliver(notification({ timestamp: 10 }))
    expect(socket.emitted).toHaveLength(2)
  })

  it('leaves offset jumps alone in keyed streams and patterns, whose offsets are not consecutive', () => {
    const { socket } = setup({ initialTopics: ['orders#u1', 'audit.*'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '5' }, 'audit.eu': { '0': '1' } })
    socket.deliver(notification({ timestamp: 9, key: 'u1' }))
    socket.deliver(notification({ timestamp: 4, topic: 'audit.eu' }))

    expect(socket.emitted).toHaveLength(1)
  })

  it('shows what a server-side resync recovered, and its replayed notifications once', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '1' } })
    socket.deliver(notification({ timestamp: 1 }))
    // The broadcast path broke; the server replays offsets 1 (already here) to 3, then says so.
    socket.deliver(
      notification({ timestamp: 1 }),
      notification({ timestamp: 2 }),
      notification({ timestamp: 3 }),
    )
    socket.fire('resync', {
      reason: 'broadcast_interrupted',
      message: 'replayed',
      recovery: {
        orders: { status: 'recovered', replayed: 3 },
        gone: { status: 'new', replayed: 0 },
      },
      positions: { orders: { '0': '4' } },
    })
    frames.runFrame()
    expect(herald.recoveryNotices.value).toEqual([
      { kind: 'recovered', topic: 'orders', replayed: 3 },
    ])
    expect(herald.feed.value.entries.map((entry) => entry.id)).toEqual([
      'orders:0:3',
      'orders:0:2',
      'orders:0:1',
    ])
  })

  it('clears what the feed held of a re-created topic and shows its new records', () => {
    const { socket, frames, herald } = setup({ initialTopics: ['orders'] })
    socket.open()
    socket.acceptLast({ orders: { '0': '0', '1': '0' } })
    socket.deliver(...[0, 1].map((i) => notification({ timestamp: i, message: 'old' })))
    socket.deliver(notification({ timestamp: 9, partition: 1, offset: '0' }))
    frames.runFrame()
    // Still queued when the connection drops: it must not come back after the reset.
    socket.deliver(notification({ timestamp: 2, message: 'old' }))
    socket.drop('transport close')
    socket.open()

    // The new topic's first record, live before the ack, at an offset an old record held.
    socket.deliver(notification({ timestamp: 10, offset: '1', message: 'new' }))
    socket.acceptLast(
      { orders: { '0': '1', '1': '1' } },
      { orders: { status: 'not_recovered', replayed: 0, reason: 'unknown_position' } },
    )
    frames.runFrame()

    expect(shownIds(herald)).toEqual(['orders:0:1', 'orders:1:0'])
    expect(herald.feed.value.entries[0]?.notification.message).toBe('new')
    expect(herald.recoveryNotices.value).toEqual([
      { kind: 'gap', topic: 'orders', reason: 'unknown_position', replayed: 0 },
    ])
    socket.drop('transport close')
    socket.open()
    expect(payloads(socket).at(-1)).toEqual([
      'subscribe',
      { topics: ['orders'], positions: { orders: { '0': '2', '1': '1' } } },
    ])
  })

  it('keeps its topics and subscribes again when the server cannot read Kafka', () => {
    vi.useFakeTimers()
    try {
      const { socket, herald } = setup({ initialTopics: ['orders'] })
      socket.open()
      socket.acceptLast({ orders: { '0': '4' } })
      socket.drop('transport close')
      socket.open()
      const error = { code: 'kafka_unavailable', message: 'could not read Kafka' } as const
      socket.answerLast({ ok: false, error })

      expect(herald.topics.value).toEqual(['orders'])
      expect(herald.subscriptionError.value).toEqual(error)
      vi.advanceTimersByTime(RESUBSCRIBE_DELAY_MS)
      expect(payloads(socket).slice(1)).toEqual([
        ['subscribe', { topics: ['orders'], positions: { orders: { '0': '4' } } }],
        ['subscribe', { topics: ['orders'], positions: { orders: { '0': '4' } } }],
      ])

      socket.acceptLast({ orders: { '0': '4' } })
      expect(herald.subscriptionError.value).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('leaves a retry to the next connect when the connection drops first', () => {
    vi.useFakeTimers()
    try {
      const { socket } = setup({ initialTopics: ['orders'] })
      socket.open()
      socket.answerLast({ ok: false, error: { code: 'kafka_unavailable', message: 'later' } })
      socket.drop('transport close')
      vi.advanceTimersByTime(RESUBSCRIBE_DELAY_MS)

      expect(socket.emitted).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })

  describe('the token', () => {
    it('shows why the server refused the handshake, until a connection is accepted', () => {
      const { socket, herald } = setup()
      socket.active = false
      const refusal = Object.assign(new Error('token expired'), {
        data: { code: 'token_expired', message: 'token expired' },
      })
      socket.fire('connect_error', refusal)
      expect(herald.state.value).toBe('offline')
      expect(herald.connectionError.value).toEqual({
        code: 'token_expired',
        message: 'token expired',
      })
      socket.open()
      expect(herald.connectionError.value).toBeUndefined()
    })

    it('presents a fresh token in place while connected, and shows a refused one', async () => {
      const token = shallowRef<string | undefined>('first')
      const { socket, herald } = setup({ token })
      socket.open()
      socket.fire('token:expiring', { expiresAt: 1000, message: 'soon' })
      expect(herald.tokenNotice.value).toEqual({ kind: 'expiring', expiresAt: 1000 })

      token.value = 'second'
      await nextTick()
      const refresh = socket.emitted.at(-1)
      expect(refresh?.event).toBe('token:refresh')
      expect(refresh?.payload).toBe('second')
      expect(socket.connect).not.toHaveBeenCalled()
      ;(refresh?.ack as unknown as (ack: unknown) => void)({
        ok: false,
        error: { code: 'forbidden', message: 'another subject' },
      })
      expect(herald.tokenNotice.value).toEqual({
        kind: 'refused',
        error: { code: 'forbidden', message: 'another subject' },
      })

      token.value = 'third'
      await nextTick()
      ;(socket.emitted.at(-1)?.ack as unknown as (ack: unknown) => void)({
        ok: true,
        expiresAt: 2000,
        topics: [],
      })
      expect(herald.tokenNotice.value).toBeUndefined()
    })

    it('connects again with a fresh token after a refusal, and says when a token ended', async () => {
      const token = shallowRef<string | undefined>('old')
      const { socket, herald } = setup({ token })
      socket.fire('token:expired', { code: 'token_expired', message: 'token expired' })
      expect(herald.tokenNotice.value).toEqual({ kind: 'expired', message: 'token expired' })
      socket.refuse()
      token.value = 'new'
      await nextTick()
      expect(socket.connect).toHaveBeenCalledTimes(1)
      expect(herald.state.value).toBe('reconnecting')
    })
  })
})
