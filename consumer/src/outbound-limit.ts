// Bounds what one socket makes this instance hold: packets queued for a client that does not read
// (a stalled phone, a hostile script) pile up in Engine.IO's write buffer. Past the limit the
// socket is told `slow_consumer` and its connection closed, so it reconnects and recovers from
// Kafka at its own pace instead of holding memory every other socket needs.

import type { ErrorDetail } from '@herald/shared'

export interface OutboundLimit {
  /** Bytes queued for one socket and not yet handed to its transport. */
  maxQueuedBytes: number
  /** Packets (notifications, mostly) queued for one socket and not yet handed to its transport. */
  maxQueuedPackets: number
  /** How long a cut socket has to read its notice before its connection is dropped outright. */
  closeGraceMs: number
}

/** The two public Engine.IO socket events the limit watches, and the close it needs. */
export interface EngineConnection {
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): unknown
  on(event: 'flush' | 'close', listener: () => void): unknown
  off(event: 'flush' | 'close', listener: () => void): unknown
  close(discard?: boolean): unknown
}

export interface QueuedOutbound {
  bytes: number
  packets: number
}

export interface OutboundQueue extends QueuedOutbound {
  /** When the transport last took the queue (or the watch began), in ms since the epoch. */
  flushedAt: number
}

/**
 * Counts what is queued on `connection` as packets are created, and resets at each flush (the
 * transport took them); `instance` sums it with every other socket's. Past the limit, the verdict
 * waits for the end of the event-loop turn: a burst queued in one turn (a fetch of many records,
 * a release after a replay) goes out at its end to a client that reads, and only a queue the
 * transport still could not take is reported. The transport holds at most one flushed batch, so
 * a socket costs about twice the limit at most. Returns the live count.
 */
export function watchOutbound(
  connection: EngineConnection,
  limit: OutboundLimit,
  instance: QueuedOutbound,
  onExceeded: (queued: QueuedOutbound) => void,
): Readonly<OutboundQueue> {
  const queued: OutboundQueue = { bytes: 0, packets: 0, flushedAt: Date.now() }
  const drop = (): void => {
    instance.bytes -= queued.bytes
    instance.packets -= queued.packets
    queued.bytes = 0
    queued.packets = 0
  }
  const over = (): boolean =>
    queued.bytes > limit.maxQueuedBytes || queued.packets > limit.maxQueuedPackets
  let verdict: 'none' | 'pending' | 'exceeded' = 'none'
  connection.on('packetCreate', (packet) => {
    const bytes = sizeOf(packet.data)
    queued.packets += 1
    queued.bytes += bytes
    instance.packets += 1
    instance.bytes += bytes
    if (verdict !== 'none' || !over()) return
    verdict = 'pending'
    setImmediate(() => {
      if (!over()) {
        verdict = 'none'
        return
      }
      verdict = 'exceeded'
      onExceeded({ bytes: queued.bytes, packets: queued.packets })
    })
  })
  connection.on('flush', () => {
    drop()
    queued.flushedAt = Date.now()
  })
  // A closed connection's queue is discarded with it.
  connection.on('close', drop)
  return queued
}

/** What every socket of this instance has queued, and the most any one has. */
export function outboundTotals(queues: Iterable<Readonly<QueuedOutbound>>): {
  queuedBytes: number
  queuedPackets: number
  largestQueuedBytes: number
} {
  let queuedBytes = 0
  let queuedPackets = 0
  let largestQueuedBytes = 0
  for (const queued of queues) {
    queuedBytes += queued.bytes
    queuedPackets += queued.packets
    largestQueuedBytes = Math.max(largestQueuedBytes, queued.bytes)
  }
  return { queuedBytes, queuedPackets, largestQueuedBytes }
}

/**
 * For senders that can wait (a replay): undefined while `queued` is under half the limit, else a
 * promise of the next flush — the transport took the queue — or of the connection's close.
 */
export function roomOnConnection(
  connection: EngineConnection,
  queued: Readonly<QueuedOutbound>,
  limit: OutboundLimit,
): () => Promise<void> | undefined {
  return () => {
    if (queued.bytes * 2 <= limit.maxQueuedBytes && queued.packets * 2 <= limit.maxQueuedPackets)
      return undefined
    return new Promise((resolve) => {
      const done = (): void => {
        connection.off('flush', done)
        connection.off('close', done)
        resolve()
      }
      connection.on('flush', done)
      connection.on('close', done)
    })
  }
}

export function slowConsumerNotice(queued: QueuedOutbound, limit: OutboundLimit): ErrorDetail {
  return {
    code: 'slow_consumer',
    message:
      `this connection fell behind: ${queued.packets} packets (${queued.bytes} bytes) were waiting ` +
      `for it (limits ${limit.maxQueuedPackets} packets, ${limit.maxQueuedBytes} bytes); ` +
      'reconnect and subscribe with your positions to catch up from Kafka',
  }
}

/**
 * Closes a cut connection: queued packets (the notice last) go out when the client reads again,
 * nothing new is queued meanwhile, and a client that never reads is dropped after the grace.
 */
export function closeSlowConnection(connection: EngineConnection, graceMs: number): void {
  const timer = setTimeout(() => connection.close(true), graceMs)
  connection.on('close', () => clearTimeout(timer))
  connection.close()
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  return 0
}
