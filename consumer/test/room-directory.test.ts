// The directory's protocol between instances, over an in-process stand-in for one Redis channel
// (PUBLISH answers how many listen; messages arrive in order, a turn later) and a stand-in for the
// adapter's room bookkeeping. The real Redis channel and adapter are covered by
// test/integration/room-directory.test.ts.

import { EventEmitter } from 'node:events'
import { pino } from 'pino'
import { describe, expect, it, vi } from 'vitest'

import { parseRoomMessage, RoomDirectory } from '../src/room-directory.js'

class Channel {
  readonly listeners = new Map<string, (message: string) => void>()

  publish(message: string): Promise<number> {
    const receivers = [...this.listeners.values()]
    setImmediate(() => {
      for (const receive of receivers) receive(message)
    })
    return Promise.resolve(receivers.length)
  }
}

/** The part of Socket.IO's in-memory adapter the directory hooks: rooms, addAll, delete-room. */
class RoomsAdapter extends EventEmitter {
  readonly rooms = new Map<string, Set<string>>()

  // The directory's wrapper returns a promise while a room it created is being announced.
  addAll(id: string, rooms: Set<string>): Promise<void> | void {
    for (const room of rooms) {
      if (!this.rooms.has(room)) this.rooms.set(room, new Set())
      this.rooms.get(room)?.add(id)
    }
  }

  del(id: string, room: string): void {
    const members = this.rooms.get(room)
    if (members?.delete(id) === true && members.size === 0) {
      this.rooms.delete(room)
      this.emit('delete-room', room)
    }
  }
}

function instance(channel: Channel, name: string, { listening = true, ackTimeoutMs = 1000 } = {}) {
  const logger = pino({ level: 'silent' })
  const directory = new RoomDirectory({
    instance: name,
    publish: (message) => channel.publish(message),
    ackTimeoutMs,
    logger,
  })
  if (listening) channel.listeners.set(name, (message) => directory.receive(message))
  const factory = directory.wrap(() => new RoomsAdapter())
  const adapter = factory()
  return {
    directory,
    logger,
    /** What socket.join does: the adapter's addAll, awaited. */
    join: async (socketId: string, room: string) => {
      await adapter.addAll(socketId, new Set([socketId, room]))
    },
    leave: (socketId: string, room: string) => adapter.del(socketId, room),
  }
}

describe('RoomDirectory', () => {
  it('sends every record through Redis until every instance has answered a hello', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a')
    instance(channel, 'b')
    expect(a.directory.needsOthers(['t'])).toBe(true)
    expect(await a.directory.hello()).toBe(true)
    expect(a.directory.needsOthers(['t'])).toBe(false)
  })

  it('finishes a join only once every other instance would publish to its room', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a')
    const b = instance(channel, 'b')
    await Promise.all([a.directory.hello(), b.directory.hello()])
    await b.join('socket-1', 'orders')
    // No turn in between: the join's answer came after a applied it.
    expect(a.directory.needsOthers(['orders'])).toBe(true)
    expect(a.directory.needsOthers(['invoices'])).toBe(false)
    // The socket's own room is not announced.
    expect(a.directory.needsOthers(['socket-1'])).toBe(false)
  })

  it('makes a second join of a room being announced wait for the same confirmation', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a')
    const b = instance(channel, 'b')
    await Promise.all([a.directory.hello(), b.directory.hello()])
    const first = b.join('socket-1', 'orders')
    const second = b.join('socket-2', 'orders')
    await second
    expect(a.directory.needsOthers(['orders'])).toBe(true)
    await first
  })

  it('keeps records here once the last socket of a room elsewhere left it', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a')
    const b = instance(channel, 'b')
    await Promise.all([a.directory.hello(), b.directory.hello()])
    await b.join('socket-1', 'orders')
    await b.join('socket-2', 'orders')
    b.leave('socket-1', 'orders')
    b.leave('socket-2', 'orders')
    await vi.waitFor(() => expect(a.directory.needsOthers(['orders'])).toBe(false), {
      timeout: 1000,
    })
  })

  it('learns the rooms an instance had before this one started', async () => {
    const channel = new Channel()
    const b = instance(channel, 'b')
    await b.directory.hello()
    await b.join('socket-1', 'orders')
    const a = instance(channel, 'a')
    expect(await a.directory.hello()).toBe(true)
    expect(a.directory.needsOthers(['orders'])).toBe(true)
    expect(a.directory.needsOthers(['invoices'])).toBe(false)
  })

  it('goes on after the ack timeout when an instance does not answer, and publishes everything', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a', { ackTimeoutMs: 50 })
    // Counted by PUBLISH, never answering: a stalled process.
    channel.listeners.set('stalled', () => undefined)
    const warn = vi.spyOn(a.logger, 'warn')
    expect(await a.directory.hello()).toBe(false)
    expect(a.directory.needsOthers(['t'])).toBe(true)
    await a.join('socket-1', 'orders')
    expect(warn).toHaveBeenCalledWith(
      { rooms: 1 },
      'not every instance confirmed new rooms in time; going on',
    )
    await a.directory.close()
  })

  it('stays incomplete while its own hello does not come back: it is not listening yet', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a', { listening: false, ackTimeoutMs: 50 })
    // Nobody else listens either, so PUBLISH counts no receiver at all.
    expect(await a.directory.hello()).toBe(false)
    expect(a.directory.needsOthers(['t'])).toBe(true)
    await a.directory.close()
  })

  it('publishes everything from a dropped connection until the next hello', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a')
    instance(channel, 'b')
    await a.directory.hello()
    a.directory.lost()
    expect(a.directory.needsOthers(['t'])).toBe(true)
    expect(await a.directory.hello()).toBe(true)
    expect(a.directory.needsOthers(['t'])).toBe(false)
  })

  it('forgets the rooms of an instance that said bye, or that no longer answers a hello', async () => {
    const channel = new Channel()
    const a = instance(channel, 'a')
    const b = instance(channel, 'b')
    const c = instance(channel, 'c')
    await Promise.all([a.directory.hello(), b.directory.hello(), c.directory.hello()])
    await b.join('socket-1', 'orders')
    await c.join('socket-2', 'invoices')
    await b.directory.close()
    await vi.waitFor(() => expect(a.directory.needsOthers(['orders'])).toBe(false), {
      timeout: 1000,
    })
    // c crashes: no bye, no longer listening.
    channel.listeners.delete('c')
    channel.listeners.delete('b')
    expect(a.directory.needsOthers(['invoices'])).toBe(true)
    expect(await a.directory.hello()).toBe(true)
    expect(a.directory.needsOthers(['invoices'])).toBe(false)
  })

  it('reads only its own messages from the channel', () => {
    expect(parseRoomMessage('not json')).toBeUndefined()
    expect(parseRoomMessage('{"kind":"change","from":"a","id":1,"add":[1],"remove":[]}')).toBe(
      undefined,
    )
    expect(parseRoomMessage('{"kind":"bye","from":"a"}')).toEqual({ kind: 'bye', from: 'a' })
    expect(parseRoomMessage('{"kind":"reply","from":"b","to":"a","id":3}')).toEqual({
      kind: 'reply',
      from: 'b',
      to: 'a',
      id: 3,
    })
  })
})
