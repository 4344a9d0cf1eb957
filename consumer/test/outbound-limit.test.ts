import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'

import {
  closeSlowConnection,
  roomOnConnection,
  slowConsumerNotice,
  watchOutbound,
  type QueuedOutbound,
} from '../src/outbound-limit.js'

const LIMIT = { maxQueuedBytes: 100, maxQueuedPackets: 3, closeGraceMs: 1000 }

const noInstance = (): QueuedOutbound => ({ bytes: 0, packets: 0 })

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

class Connection extends EventEmitter {
  closes: (boolean | undefined)[] = []
  close(discard?: boolean): void {
    this.closes.push(discard)
  }
  queue(data: unknown): void {
    this.emit('packetCreate', { data })
  }
}

describe('watchOutbound', () => {
  it('counts packets and bytes until the transport takes them', () => {
    const connection = new Connection()
    const exceeded: QueuedOutbound[] = []
    watchOutbound(connection, LIMIT, noInstance(), (queued) => exceeded.push(queued))
    for (let round = 0; round < 5; round += 1) {
      connection.queue('x'.repeat(30))
      connection.queue(Buffer.alloc(30))
      connection.queue(undefined)
      connection.emit('flush')
    }
    expect(exceeded).toEqual([])
  })

  it('reports once, at the end of the turn, a queue over its packet limit', async () => {
    const connection = new Connection()
    const exceeded: QueuedOutbound[] = []
    watchOutbound(connection, LIMIT, noInstance(), (queued) => exceeded.push(queued))
    for (let i = 0; i < 6; i += 1) connection.queue('a')
    expect(exceeded).toEqual([])
    await nextTurn()
    for (let i = 0; i < 6; i += 1) connection.queue('a')
    await nextTurn()
    expect(exceeded).toEqual([{ packets: 6, bytes: 6 }])
  })

  it('reports a queue over its byte limit', async () => {
    const connection = new Connection()
    const exceeded: QueuedOutbound[] = []
    watchOutbound(connection, LIMIT, noInstance(), (queued) => exceeded.push(queued))
    connection.queue('x'.repeat(60))
    connection.queue(new Uint8Array(41))
    await nextTurn()
    expect(exceeded).toEqual([{ packets: 2, bytes: 101 }])
  })

  it('lets through a burst the transport takes within its turn, and watches on', async () => {
    const connection = new Connection()
    const exceeded: QueuedOutbound[] = []
    const queued = watchOutbound(connection, LIMIT, noInstance(), (q) => exceeded.push(q))
    for (let i = 0; i < 10; i += 1) connection.queue('a')
    process.nextTick(() => connection.emit('flush'))
    await nextTurn()
    expect(exceeded).toEqual([])
    expect(queued).toMatchObject({ packets: 0, bytes: 0 })
    for (let i = 0; i < 5; i += 1) connection.queue('a')
    await nextTurn()
    expect(exceeded).toEqual([{ packets: 5, bytes: 5 }])
  })
  it("sums every connection's queue for the instance, less what was flushed or closed", () => {
    const instance = noInstance()
    const [first, second] = [new Connection(), new Connection()]
    watchOutbound(first, LIMIT, instance, () => undefined)
    watchOutbound(second, LIMIT, instance, () => undefined)
    first.queue('x'.repeat(10))
    second.queue('y'.repeat(20))
    second.queue('z')
    expect(instance).toEqual({ packets: 3, bytes: 31 })

    first.emit('flush')
    expect(instance).toEqual({ packets: 2, bytes: 21 })
    second.emit('close')
    expect(instance).toEqual({ packets: 0, bytes: 0 })
  })
})

describe('roomOnConnection', () => {
  it('has room under half the limit, and otherwise waits for the next flush or the close', async () => {
    const connection = new Connection()
    const queued = watchOutbound(connection, LIMIT, noInstance(), () => undefined)
    const room = roomOnConnection(connection, queued, LIMIT)
    connection.queue('a')
    expect(room()).toBeUndefined()
    connection.queue('a')
    let flushed = false
    const waiting = room()?.then(() => (flushed = true))
    expect(waiting).toBeDefined()
    await nextTurn()
    expect(flushed).toBe(false)
    connection.emit('flush')
    await waiting
    expect(flushed).toBe(true)
    expect(room()).toBeUndefined()
    connection.queue('x'.repeat(51))
    const closing = room()
    connection.emit('close')
    await closing
    // Only the watcher's own listeners remain.
    expect(connection.listenerCount('flush')).toBe(1)
    expect(connection.listenerCount('close')).toBe(1)
  })
})

describe('slowConsumerNotice', () => {
  it('says what was waiting, the limits and what to do', () => {
    const notice = slowConsumerNotice({ packets: 4, bytes: 101 }, LIMIT)
    expect(notice.code).toBe('slow_consumer')
    expect(notice.message).toContain('4 packets (101 bytes)')
    expect(notice.message).toContain('limits 3 packets, 100 bytes')
    expect(notice.message).toContain('positions')
  })
})

describe('closeSlowConnection', () => {
  it('closes after the queue drains, and discards it if the client never reads', () => {
    vi.useFakeTimers()
    try {
      const connection = new Connection()
      closeSlowConnection(connection, 1000)
      expect(connection.closes).toEqual([undefined])
      vi.advanceTimersByTime(1000)
      expect(connection.closes).toEqual([undefined, true])
    } finally {
      vi.useRealTimers()
    }
  })

  it('drops nothing more once the connection closed in time', () => {
    vi.useFakeTimers()
    try {
      const connection = new Connection()
      closeSlowConnection(connection, 1000)
      connection.emit('close')
      vi.advanceTimersByTime(5000)
      expect(connection.closes).toEqual([undefined])
    } finally {
      vi.useRealTimers()
    }
  })
})
