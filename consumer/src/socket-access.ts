// Who a socket is and what it may watch, decided in the handshake: the token in `auth: {token}`
// is verified, then the socket takes a slot for its subject and one for its client address
// (shared limits, through Redis). A refusal is a `connect_error` whose `data` is the contract's
// `{code, message}`; nothing of the token ever travels in a URL.

import type { ErrorCode, ErrorDetail } from '@herald/shared'
import { TokenError, type TokenGrant, type TokenVerifier } from '@herald/shared/access'
import type { SlotLimiter, SlotRequest } from '@herald/shared/limits'
import type { Socket } from 'socket.io'

import type { RefusedCaller } from './refusal-tally.js'

/** What the handshake decided, kept on `socket.data` for the socket's lifetime. */
export interface SocketAccess {
  /** The token's grant; undefined in open mode, where a socket may watch everything. */
  grant: TokenGrant | undefined
}

export interface AdmissionDeps {
  /** Absent in open mode. */
  verifier: TokenVerifier | undefined
  slots: Pick<SlotLimiter, 'acquire' | 'release'>
  socketsPerSubject: number
  socketsPerAddress: number
  /** Told each refused handshake's code and who was refused, for /metrics. */
  onRefused: (code: ErrorCode, caller: RefusedCaller) => void
}

type Next = (error?: Error) => void

/** The error a client sees as `connect_error`: `message`, and the contract's detail in `data`. */
export function handshakeRefusal(code: ErrorCode, message: string): Error & { data: ErrorDetail } {
  return Object.assign(new Error(message), { data: { code, message } })
}

/**
 * The client's address: nginx's X-Real-IP (it overwrites whatever the client sent), else the
 * peer. Consumers are reached through nginx only; reached directly, the peer is the client.
 */
export function clientAddress(socket: Pick<Socket, 'handshake'>): string {
  const forwarded = socket.handshake.headers['x-real-ip']
  return typeof forwarded === 'string' && forwarded !== '' ? forwarded : socket.handshake.address
}

export function admitSockets({
  verifier,
  slots,
  socketsPerSubject,
  socketsPerAddress,
  onRefused,
}: AdmissionDeps): (socket: Socket, next: Next) => void {
  return (socket, next) => {
    void admit(socket).then(
      () => next(),
      (error: unknown) => {
        const refusal =
          error instanceof Error ? error : handshakeRefusal('internal_error', String(error))
        const code = (refusal as { data?: Partial<ErrorDetail> }).data?.code
        if (code !== undefined) onRefused(code, refusedCaller(socket))
        next(refusal)
      },
    )
  }

  function refusedCaller(socket: Socket): RefusedCaller {
    if (verifier === undefined) return 'open'
    return socket.handshake.auth.token === undefined ? 'none' : 'token'
  }

  async function admit(socket: Socket): Promise<void> {
    const grant = await verify(socket.handshake.auth)
    const address = clientAddress(socket)
    const requests: SlotRequest[] = [
      ...(grant === undefined
        ? []
        : [{ bucket: `subject:${grant.subject}`, limit: socketsPerSubject }]),
      { bucket: `address:${address}`, limit: socketsPerAddress },
    ]
    const full = await slots.acquire(socket.id, requests)
    if (full !== undefined) {
      const whose = full.bucket.startsWith('subject:')
        ? `token subject "${grant?.subject}"`
        : `address ${address}`
      throw handshakeRefusal(
        'rate_limited',
        `${whose} already holds ${full.limit} sockets, the most allowed; close one first`,
      )
    }
    socket.once('disconnect', () => slots.release(socket.id))
    socket.data = { grant } satisfies SocketAccess
  }

  async function verify(
    auth: Record<string, unknown> | undefined,
  ): Promise<TokenGrant | undefined> {
    if (verifier === undefined) return undefined
    try {
      return await verifier.verify(auth?.token)
    } catch (error) {
      if (error instanceof TokenError) throw handshakeRefusal(error.code, error.message)
      throw error
    }
  }
}
