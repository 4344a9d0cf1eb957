// A Socket.IO subscriber in a few dozen lines on `ws`: straight to the WebSocket transport, no
// reconnection, no buffering, no binary. Thousands fit in one worker process, where as many
// socket.io-client instances would cost more than the server they are measuring.
// bench/test/minimal-socket.test.ts checks it against socket.io-client on a real Socket.IO server.

import WebSocket from 'ws'

import { CONNECT, encodeEvent, parsePacket, PONG } from './packets.js'

export interface MinimalSocketOptions {
  /** Called for every event the server emits (not for acks). */
  onEvent?: (name: string, args: unknown[]) => void
  /** Called once when the connection ends after it was established. */
  onClose?: (reason: string) => void
  /** Longest wait for the WebSocket, the Engine.IO open and the namespace connect together. */
  connectTimeoutMs?: number
  /** The handshake's `auth` (a subscriber token: `{token}`). */
  auth?: Record<string, unknown>
}

export class MinimalSocket {
  readonly #ws: WebSocket
  readonly #acks = new Map<number, (args: unknown[]) => void>()
  #nextAckId = 0
  #id: string | undefined

  private constructor(ws: WebSocket) {
    this.#ws = ws
  }

  /** Connects to a Socket.IO server's main namespace at `origin` (http://host:port). */
  static connect(origin: string, options: MinimalSocketOptions = {}): Promise<MinimalSocket> {
    const url = `${origin.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`
    const socket = new MinimalSocket(new WebSocket(url, { perMessageDeflate: false }))
    return socket.#handshake(options)
  }

  /** The Socket.IO id, once connected. */
  get id(): string | undefined {
    return this.#id
  }

  get connected(): boolean {
    return this.#id !== undefined && this.#ws.readyState === WebSocket.OPEN
  }

  emit(name: string, ...args: unknown[]): void {
    this.#ws.send(encodeEvent(name, args))
  }

  /** Emits with an ack id and resolves with the arguments the server acknowledged with. */
  emitWithAck(name: string, args: readonly unknown[], timeoutMs = 10_000): Promise<unknown[]> {
    const ackId = this.#nextAckId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#acks.delete(ackId)
        reject(new Error(`no ack for "${name}" within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#acks.set(ackId, (ackArgs) => {
        clearTimeout(timer)
        resolve(ackArgs)
      })
      this.#ws.send(encodeEvent(name, args, ackId))
    })
  }

  close(): void {
    this.#ws.terminate()
  }

  #handshake({
    onEvent,
    onClose,
    connectTimeoutMs = 10_000,
    auth,
  }: MinimalSocketOptions): Promise<this> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        clearTimeout(timer)
        this.#ws.terminate()
        reject(error)
      }
      const timer = setTimeout(
        () => fail(new Error(`not connected within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      )
      this.#ws.on('error', (error) => {
        if (this.#id === undefined) fail(error)
      })
      this.#ws.on('close', (code) => {
        if (this.#id === undefined) fail(new Error(`closed during the handshake (${code})`))
        else onClose?.(`closed (${code})`)
      })
      this.#ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) return
        // binaryType is ws's default, 'nodebuffer': a text frame arrives as one Buffer.
        const packet = parsePacket((data as Buffer).toString())
        switch (packet.kind) {
          case 'open':
            // Engine.IO is open; the namespace is not joined until this connect is answered.
            this.#ws.send(auth === undefined ? CONNECT : `${CONNECT}${JSON.stringify(auth)}`)
            return
          case 'ping':
            this.#ws.send(PONG)
            return
          case 'connect':
            this.#id = packet.sid
            clearTimeout(timer)
            resolve(this)
            return
          case 'connect_error':
            fail(new Error(`connect refused: ${packet.message}`))
            return
          case 'event':
            onEvent?.(packet.name, packet.args)
            return
          case 'ack': {
            const settle = this.#acks.get(packet.ackId)
            this.#acks.delete(packet.ackId)
            settle?.(packet.args)
            return
          }
          case 'close':
          case 'disconnect':
            this.#ws.close()
            return
          default:
            return
        }
      })
    })
  }
}
