// The delivery decisions against a stand-in adapter: a plain object with the two methods Socket.IO's
// adapters route every broadcast through. The real Redis adapter is covered by the recovery and
// Redis-restart tests.

import type { Notification } from '@herald/shared'
import type { Socket } from 'socket.io'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { Holds, REPLAY_FLOOR_MS } from '../src/holding-adapter.js'

const notification = (offset: number, partition = 0): Notification => ({
  topic: 't',
  partition,
  offset: String(offset),
  timestamp: 0,
  key: null,
  message: offset,
  requestId: null,
})

function fakeAdapter(socketIds: string[], delivered: string[]) {
  return {
    _encode: (packet: { data?: unknown[] }) => packet,
    apply(_options: unknown, callback: (socket: Socket) => void) {
      for (const id of socketIds) callback({ id } as Socket)
    },
    broadcast(packet: { data?: unknown[] }) {
      this._encode(packet)
      this.apply({}, (socket) => {
        const sent = packet.data?.[1] as Notification
        delivered.push(
          `${socket.id}:${sent.partition === 0 ? '' : `p${sent.partition}/`}${sent.offset}`,
        )
      })
    },
  }
}

function setUp(socketIds: string[]) {
  const delivered: string[] = []
  const holds = new Holds()
  const adapter = new (
    holds.wrap(() => fakeAdapter(socketIds, delivered)) as never as new (
      nsp: unknown,
    ) => ReturnType<typeof fakeAdapter>
  )(undefined)
  const send = (...offsets: number[]): void => {
    for (const offset of offsets)
      adapter.broadcast({ data: ['notification', notification(offset)] })
  }
  return { holds, adapter, delivered, send }
}

const replayedBelow = (offset: number, partition = 0) =>
  new Map([[`t:${partition}`, BigInt(offset)]])

afterEach(() => {
  vi.useRealTimers()
})

describe('Holds', () => {
  it('delivers at once to sockets without a hold', () => {
    const { delivered, send } = setUp(['a'])
    send(1)
    expect(delivered).toEqual(['a:1'])
  })

  it('holds a socket until release, then delivers what the replay did not cover, in order', () => {
    const { holds, delivered, send } = setUp(['a', 'b'])
    holds.hold('a')
    send(4, 5, 6)
    expect(delivered).toEqual(['b:4', 'b:5', 'b:6'])
    expect(holds.delivered).toBe(3)
    holds.release('a', replayedBelow(5))
    expect(delivered).toEqual(['b:4', 'b:5', 'b:6', 'a:5', 'a:6'])
    send(7)
    expect(delivered.slice(-2)).toEqual(['a:7', 'b:7'])
    // Counted as handed to a socket: what a replay covered was not.
    expect(holds.delivered).toBe(delivered.length)
  })

  it('delivers everything that waited when the catch-up replayed nothing', () => {
    const { holds, delivered, send } = setUp(['a'])
    holds.hold('a')
    send(1, 2)
    holds.release('a', new Map())
    expect(delivered).toEqual(['a:1', 'a:2'])
  })

  it('waits for the last of overlapping holds, and skips what any of their replays sent', () => {
    const { holds, delivered, send } = setUp(['a'])
    holds.hold('a')
    send(3)
    holds.hold('a')
    send(4, 5)
    holds.release('a', replayedBelow(4))
    expect(delivered).toEqual([])
    holds.release('a', replayedBelow(5))
    expect(delivered).toEqual(['a:5'])
  })

  it('skips live copies of replayed records after the release, until one passes the floor', () => {
    const { holds, delivered, send } = setUp(['a', 'b'])
    holds.hold('a')
    holds.release('a', replayedBelow(10))
    // A failover's new owner broadcasts again from the group's last commit.
    send(8, 9, 10, 11)
    expect(delivered).toEqual(['b:8', 'b:9', 'a:10', 'b:10', 'a:11', 'b:11'])
    // Past the floor, an old offset is a new topic's record (deleted and created again): delivered.
    send(2)
    expect(delivered.slice(-2)).toEqual(['a:2', 'b:2'])
  })

  it('keeps a floor per partition', () => {
    const { holds, adapter, delivered } = setUp(['a'])
    holds.hold('a')
    holds.release(
      'a',
      new Map([
        ['t:0', 5n],
        ['t:1', 3n],
      ]),
    )
    for (const [offset, partition] of [
      [4, 0],
      [2, 1],
      [5, 0],
      [3, 1],
    ] as const) {
      adapter.broadcast({ data: ['notification', notification(offset, partition)] })
    }
    expect(delivered).toEqual(['a:5', 'a:p1/3'])
  })

  it('forgets a floor after a while', () => {
    vi.useFakeTimers()
    const { holds, delivered, send } = setUp(['a'])
    holds.hold('a')
    holds.release('a', replayedBelow(10))
    vi.advanceTimersByTime(REPLAY_FLOOR_MS + 1)
    send(0)
    expect(delivered).toEqual(['a:0'])
  })

  it('forgets a disconnected socket: its hold and its floors', () => {
    const { holds, delivered, send } = setUp(['a'])
    holds.hold('a')
    holds.forget('a')
    send(1)
    holds.release('a', replayedBelow(5))
    send(2)
    expect(delivered).toEqual(['a:1', 'a:2'])
  })

  it('drops every notification while interrupted, and says how far each partition was applied', () => {
    const { holds, adapter, delivered, send } = setUp(['a'])
    send(1, 2)
    adapter.broadcast({ data: ['notification', notification(7, 3)] })
    holds.interrupt()
    expect(holds.interrupted).toBe(true)
    send(3, 4)
    holds.interrupt()
    expect(delivered).toEqual(['a:1', 'a:2', 'a:p3/7'])
    holds.hold('a')
    const reached = holds.resume()
    expect(holds.interrupted).toBe(false)
    expect(reached).toEqual(
      new Map([
        ['t:0', 3n],
        ['t:3', 8n],
      ]),
    )
    send(5)
    holds.release('a', replayedBelow(5))
    expect(delivered.slice(-1)).toEqual(['a:5'])
  })

  it('passes other packets through untouched, held or interrupted', () => {
    const { holds, adapter, delivered } = setUp(['a'])
    const other: string[] = []
    holds.hold('a')
    holds.interrupt()
    adapter._encode({ data: ['token:expiring', {}] })
    adapter.apply({}, (socket) => other.push(socket.id))
    expect(other).toEqual(['a'])
    expect(delivered).toEqual([])
  })
})
