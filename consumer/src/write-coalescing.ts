// One write per connection per turn of the event loop, and optionally at most one per interval.
// A broadcast writes one WebSocket frame to each socket in its room, and ws sends every frame with
// a writev of its own: a fetch of many records, a burst from Redis or a replay released at once
// made one system call per record per socket, and one more read and write in nginx for each.
// Corked at its first write of a turn and uncorked once the turn's code has run, a connection
// sends what the turn wrote in one writev. One release for all connections: a tick per connection
// cost more CPU than it saved when each turn held one frame.
//
// With an interval, a flush that comes sooner than `intervalMs` after the last one waits for the
// interval to end, so frames due within it share one writev (Nagle's rule, for all connections at
// once): a quiet stream loses nothing, as its first frame finds the interval long over and leaves
// at the end of its turn; a busy one trades at most the interval in latency for fewer system calls
// in the consumer, in nginx and in every client.

import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export class WriteCoalescer {
  readonly #intervalMs: number
  readonly #now: () => number
  /** How to uncork each connection corked since the last flush. */
  #corked: (() => void)[] = []
  #lastFlushAt = Number.NEGATIVE_INFINITY
  #timer: NodeJS.Timeout | undefined

  constructor(intervalMs: number, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs
    this.#now = now
  }

  /** Makes every connection `server` accepts coalesce its writes. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.adopt(socket))
  }

  adopt(socket: Socket): void {
    const write = socket.write.bind(socket) as (
      chunk: unknown,
      encoding?: unknown,
      callback?: unknown,
    ) => boolean
    let corked = false
    const release = (): void => {
      corked = false
      socket.uncork()
    }
    // The instance's own write: ws and the HTTP server both call it, and nothing else changes.
    socket.write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      if (!corked) {
        corked = true
        socket.cork()
        if (this.#corked.push(release) === 1) process.nextTick(this.#endTurn)
      }
      return write(chunk, encoding, callback)
    }
  }

  readonly #endTurn = (): void => {
    const wait = this.#lastFlushAt + this.#intervalMs - this.#now()
    if (wait <= 0) this.#flush()
    // Unref'd: a closing server ends its sockets, and end() uncorks what is left.
    else if (this.#timer === undefined) this.#timer = setTimeout(this.#flush, wait).unref()
  }

  readonly #flush = (): void => {
    this.#timer = undefined
    this.#lastFlushAt = this.#now()
    // Taken first: a write made while releasing corks its connection again, for the next flush.
    for (const release of this.#corked.splice(0)) release()
  }
}
