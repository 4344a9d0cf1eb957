// Many minimal subscribers of one topic, connected a few at a time: what the fan-out workers hold.

import { MinimalSocket } from '../eio/minimal-socket.js'
import type { WorkerConnections } from '../process/worker-shares.js'

export interface SubscriberPoolConfig {
  /** Socket.IO origins; sockets are spread over them in turn. */
  origins: string[]
  sockets: number
  topic: string
  /** Handshakes in progress at once. */
  connectConcurrency: number
  connectTimeoutMs: number
  /** The subscriber token of every socket, when the stack checks them. */
  token?: string
}

export interface SubscriberPool extends WorkerConnections {
  sockets: MinimalSocket[]
}

/** Connects and subscribes `config.sockets` sockets; a failure is counted, never thrown. */
export async function connectSubscribers(
  config: SubscriberPoolConfig,
  handlers: { onEvent: (name: string, args: unknown[]) => void; onClose: () => void },
): Promise<SubscriberPool> {
  const pool: SubscriberPool = { sockets: [], connected: 0, failed: 0 }
  let next = 0
  const connectOne = async (index: number): Promise<void> => {
    const origin = config.origins[index % config.origins.length] as string
    try {
      const socket = await MinimalSocket.connect(origin, {
        ...handlers,
        connectTimeoutMs: config.connectTimeoutMs,
        ...(config.token === undefined ? {} : { auth: { token: config.token } }),
      })
      const [ack] = await socket.emitWithAck('subscribe', [{ topics: [config.topic] }], 30_000)
      if ((ack as { ok?: boolean } | undefined)?.ok !== true) {
        socket.close()
        throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
      }
      pool.sockets.push(socket)
      pool.connected += 1
    } catch (error) {
      pool.failed += 1
      pool.firstError ??= (error as Error).message
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(config.connectConcurrency, config.sockets) }, async () => {
      while (next < config.sockets) await connectOne(next++)
    }),
  )
  return pool
}
