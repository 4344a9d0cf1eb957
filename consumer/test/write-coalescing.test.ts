import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'

import { coalesceSocketWrites } from '../src/write-coalescing.js'

const closers: (() => void)[] = []
afterEach(() => {
  for (const close of closers.splice(0)) close()
})

/** A loopback connection: the server's end, writes coalesced, and what the client end read. */
async function connectedPair(): Promise<{ sender: Socket; received: () => string }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(port, '127.0.0.1')
  const [sender] = await accepted
  coalesceSocketWrites(sender)
  let text = ''
  client.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  closers.push(() => {
    client.destroy()
    sender.destroy()
    server.close()
  })
  return { sender, received: () => text }
}

describe('coalesceSocketWrites', () => {
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
    const first = await connectedPair()
    const second = await connectedPair()
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
