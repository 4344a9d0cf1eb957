// The hold logic against a stand-in adapter: a plain object with the two methods Socket.IO's
// adapters route every broadcast through. The real adapter is covered by the recovery tests.

import type { Notification } from '@herald/shared'
import type { Socket } from 'socket.io'
import { describe, expect, it } from 'vitest'

import { Holds } from '../src/holding-adapter.js'

const notification = (offset: number): Notification => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  timestamp: 0,
  key: null,
  message: offset,
})

function fakeAdapter(socketIds: string[], delivered: string[]) {
  return {
    _encode: (packet: { data?: unknown[] }) => packet,
    apply(_options: unknown, callback: (socket: Socket) => void) {
      for (const id of socketIds) callback({ id } as Socket)
    },
    broadcast(packet: { data?: unknown[] }) {
      this._encode(packet)
      this.apply({}, (socket) =>
        delivered.push(`${socket.id}:${(packet.data?.[1] as Notification).offset}`),
      )
    },
  }
}

describe('Holds', () => {
  it('delivers at once to sockets without a hold', () => {
    const delivered: string[] = []
    const holds = new Holds()
    const adapter = new (
      holds.wrap(() => fakeAdapter(['a'], delivered)) as never as new (
        nsp: unknown,
      ) => ReturnType<typeof fakeAdapter>
    )(undefined)
    adapter.broadcast({ data: ['notification', notification(1)] })
    expect(delivered).toEqual(['a:1'])
  })

  it('holds a socket until release, then delivers what the replay did not cover, in order', () => {
    const delivered: string[] = []
    const holds = new Holds()
    const adapter = new (
      holds.wrap(() => fakeAdapter(['a', 'b'], delivered)) as never as new (
        nsp: unknown,
      ) => ReturnType<typeof fakeAdapter>
    )(undefined)
    holds.hold('a')
    for (const offset of [4, 5, 6])
      adapter.broadcast({ data: ['notification', notification(offset)] })
    expect(delivered).toEqual(['b:4', 'b:5', 'b:6'])
    holds.release('a', (n) => Number(n.offset) < 5)
    expect(delivered).toEqual(['b:4', 'b:5', 'b:6', 'a:5', 'a:6'])
    adapter.broadcast({ data: ['notification', notification(7)] })
    expect(delivered.slice(-2)).toEqual(['a:7', 'b:7'])
  })
})
