import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { WriteCoalescer } from '../src/write-coalescing.js'

const closers: (() => void)[] = []
afterEach(() => {
  for (const close of closers.splice(0)) close()
})

/** A loopback connection: the server's end, writes coalesced, and what the client end read. */
async function connectedPair(
  coalescer = new WriteCoalescer(0),
): Promise<{ sender: Socket; received: () => string }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(port, '127.0.0.1')
  const [sender] = await accepted
  coalescer.adopt(sender)
  let text = ''
  client.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  closers.push(() => {
    client.destroy()
    sender.destroy()
    server.close()
  })
  return { sender, received: () => text }
}

describe('WriteCoalescer without an interval', () => {
  it('holds what one turn writes until the turn ends, then sends it all in order', async () => {
    const { sender, received } = await connectedPair()
    const written: string[] = []
    for (let i = 0; i < 50; i += 1) {
      sender.write(`frame ${i};`)
      written.push(`frame ${i};`)
    }
    expect(sender.writableCorked).toBe(1)
    expect(sender.writableLength).toBe(written.join('').length)
    await new Promise((resolve) => process.nextTick(resolve))
    expect(sender.writableCorked).toBe(0)
    await expect.poll(received).toBe(written.join(''))
  })

  it('corks again in the next turn and keeps write callbacks and nested corks working', async () => {
    const { sender, received } = await connectedPair()
    sender.write('a')
    await new Promise((resolve) => setImmediate(resolve))
    // ws corks around a frame's header and payload itself.
    sender.cork()
    sender.write('b')
    const written = new Promise((resolve) => sender.write('c', resolve))
    sender.uncork()
    expect(sender.writableCorked).toBe(1)
    await written
    expect(sender.writableCorked).toBe(0)
    await expect.poll(received).toBe('abc')
  })

  it('sends what a connection writes while the connections of the turn are uncorked', async () => {
    const coalescer = new WriteCoalescer(0)
    const first = await connectedPair(coalescer)
    const second = await connectedPair(coalescer)
    // Whatever runs inside an uncork (a write callback, a stream's end) may write elsewhere.
    const uncork = first.sender.uncork.bind(first.sender)
    first.sender.uncork = () => {
      uncork()
      second.sender.write('late')
    }
    // The second is uncorked first, so the write comes after its release in this turn.
    second.sender.write('b')
    first.sender.write('a')
    await new Promise((resolve) => setImmediate(resolve))
    expect(second.sender.writableCorked).toBe(0)
    await expect.poll(first.received).toBe('a')
    await expect.poll(second.received).toBe('blate')
  })
})

describe('WriteCoalescer with an interval', () => {
  const intervalMs = 25
  let clockMs = 1000
  const coalescer = (): WriteCoalescer => new WriteCoalescer(intervalMs, () => clockMs)
  const endOfTurn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve))
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends the first write after a quiet interval at the end of its turn', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const { sender, received } = await connectedPair(coalescer())
    sender.write('first')
    await endOfTurn()
    expect(sender.writableCorked).toBe(0)
    await expect.poll(received).toBe('first')
  })

  it('holds what comes within the interval until it ends, then sends it in one go, in order', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const { sender, received } = await connectedPair(coalescer())
    sender.write('a')
    await endOfTurn()
    clockMs += 10
    sender.write('b')
    await endOfTurn()
    sender.write('c')
    await endOfTurn()
    expect(sender.writableCorked).toBe(1)
    expect(sender.writableLength).toBe('bc'.length)
    clockMs += 15
    vi.advanceTimersByTime(15)
    expect(sender.writableCorked).toBe(0)
    await expect.poll(received).toBe('abc')
  })

  it('waits only for what is left of the interval, and not at all once it is over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const { sender, received } = await connectedPair(coalescer())
    sender.write('a')
    await endOfTurn()
    clockMs += 20
    sender.write('b')
    await endOfTurn()
    vi.advanceTimersByTime(4)
    expect(sender.writableCorked).toBe(1)
    clockMs += 5
    vi.advanceTimersByTime(1)
    expect(sender.writableCorked).toBe(0)
    clockMs += intervalMs
    sender.write('c')
    await endOfTurn()
    expect(sender.writableCorked).toBe(0)
    await expect.poll(received).toBe('abc')
  })
})
