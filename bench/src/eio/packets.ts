// The text frames of Engine.IO v4 carrying Socket.IO v5, the protocols socket.io 4 speaks over a
// WebSocket. Only what a subscriber needs: the open handshake, pings, namespace connect and
// disconnect, events and acks in the main namespace. Binary packets are out of scope.

export type Packet =
  | { kind: 'open'; sid: string; pingInterval: number; pingTimeout: number }
  | { kind: 'close' }
  | { kind: 'ping' }
  | { kind: 'connect'; sid: string }
  | { kind: 'disconnect' }
  | { kind: 'connect_error'; message: string }
  | { kind: 'event'; name: string; args: unknown[]; ackId?: number }
  | { kind: 'ack'; ackId: number; args: unknown[] }
  /** Anything else (noop, upgrade probes, other namespaces, binary): ignored by the client. */
  | { kind: 'other'; raw: string }

/** Engine.IO packet types, the first character of every frame. */
const ENGINE = { open: '0', close: '1', ping: '2', pong: '3', message: '4' } as const
/** Socket.IO packet types, the character after Engine.IO's `4`. */
const SOCKET = { connect: '0', disconnect: '1', event: '2', ack: '3', connectError: '4' } as const

export const PONG = ENGINE.pong
/** Connects the main namespace without auth. */
export const CONNECT = `${ENGINE.message}${SOCKET.connect}`

export function encodeEvent(name: string, args: readonly unknown[], ackId?: number): string {
  return `${ENGINE.message}${SOCKET.event}${ackId ?? ''}${JSON.stringify([name, ...args])}`
}

export function parsePacket(frame: string): Packet {
  const engineType = frame[0]
  if (engineType === ENGINE.open) {
    const open = JSON.parse(frame.slice(1)) as {
      sid: string
      pingInterval: number
      pingTimeout: number
    }
    return {
      kind: 'open',
      sid: open.sid,
      pingInterval: open.pingInterval,
      pingTimeout: open.pingTimeout,
    }
  }
  if (engineType === ENGINE.close) return { kind: 'close' }
  if (engineType === ENGINE.ping && frame.length === 1) return { kind: 'ping' }
  if (engineType !== ENGINE.message) return { kind: 'other', raw: frame }

  const socketType = frame[1]
  // A namespace other than "/" is written `/name,` before the payload; the bench uses "/" only.
  if (frame[2] === '/') return { kind: 'other', raw: frame }
  const { ackId, rest } = leadingAckId(frame.slice(2))
  switch (socketType) {
    case SOCKET.connect:
      return { kind: 'connect', sid: (JSON.parse(rest) as { sid: string }).sid }
    case SOCKET.disconnect:
      return { kind: 'disconnect' }
    case SOCKET.connectError:
      return { kind: 'connect_error', message: connectErrorMessage(rest) }
    case SOCKET.event: {
      const [name, ...args] = JSON.parse(rest) as [string, ...unknown[]]
      return ackId === undefined
        ? { kind: 'event', name, args }
        : { kind: 'event', name, args, ackId }
    }
    case SOCKET.ack:
      if (ackId === undefined) return { kind: 'other', raw: frame }
      return { kind: 'ack', ackId, args: JSON.parse(rest) as unknown[] }
    default:
      return { kind: 'other', raw: frame }
  }
}

function leadingAckId(payload: string): { ackId?: number; rest: string } {
  let end = 0
  while (end < payload.length && payload.charCodeAt(end) >= 48 && payload.charCodeAt(end) <= 57) {
    end += 1
  }
  return end === 0
    ? { rest: payload }
    : { ackId: Number(payload.slice(0, end)), rest: payload.slice(end) }
}

function connectErrorMessage(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { message?: unknown }
    return typeof parsed.message === 'string' ? parsed.message : payload
  } catch {
    return payload
  }
}
