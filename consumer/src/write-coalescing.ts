// One write per connection per turn of the event loop. A broadcast writes one WebSocket frame to
// each socket in its room, and ws sends every frame with a writev of its own: a fetch of many
// records, a burst from Redis or a replay released at once made one system call per record per
// socket, and one more read and write in nginx for each. Corked at its first write of a turn and
// uncorked once the turn's code has run, a connection sends what the turn wrote in one writev.
// One tick per turn uncorks every connection written to: a tick per connection cost more CPU
// than it saved when each turn held one frame.

import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** How to uncork each connection corked in the current turn, all together at its end. */
const corked: (() => void)[] = []

function endTurn(): void {
  // Taken first: a write made while releasing corks its connection again, with a tick of its own.
  for (const release of corked.splice(0)) release()
}

/** Makes every connection `server` accepts send what one turn writes to it in one go. */
export function coalesceWritesPerTurn(server: Server): void {
  server.on('connection', coalesceSocketWrites)
}

export function coalesceSocketWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) => boolean
  let corkedThisTurn = false
  const release = (): void => {
    corkedThisTurn = false
    socket.uncork()
  }
  // The instance's own write: ws and the HTTP server both call it, and nothing else changes.
  socket.write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    if (!corkedThisTurn) {
      corkedThisTurn = true
      socket.cork()
      if (corked.push(release) === 1) process.nextTick(endTurn)
    }
    return write(chunk, encoding, callback)
  }
}
