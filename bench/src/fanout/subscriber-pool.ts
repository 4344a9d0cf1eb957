// Many minimal subscribers of one topic, connected a few at a time: what the fan-out workers hold.
// Connecting and subscribing can be two phases, so that memory per idle connection and per
// subscription are read apart.

import { MinimalSocket } from '../eio/minimal-socket.js'
import type { WorkerConnections } from '../process/worker-shares.js'

export interface SubscriberPoolConfig {
  /** Socket.IO origins; sockets are spread over them in turn. */
  origins: string[]
  sockets: number
  topic: string
  /** Handshakes (and subscribes) in progress at once. */
  connectConcurrency: number
  connectTimeoutMs: number
  /** The subscriber token of every socket, when the stack checks them. */
  token?: string
}

export interface SubscriberPool extends WorkerConnections {
  sockets: MinimalSocket[]
}

/** What a subscriber worker tells the orchestrator once its sockets are connected. */
export interface SubscribersConnected extends WorkerConnections {
  type: 'connected'
}

/** The pool's counts as a worker reports them (the sockets stay in the worker). */
export function poolCounts({ connected, failed, firstError }: SubscriberPool): WorkerConnections {
  return firstError === undefined ? { connected, failed } : { connected, failed, firstError }
}

/** Connects `config.sockets` sockets; a failure is counted, never thrown. */
export async function connectSockets(
  config: SubscriberPoolConfig,
  handlers: { onEvent: (name: string, args: unknown[]) => void; onClose: () => void },
): Promise<SubscriberPool> {
  const pool: SubscriberPool = { sockets: [], connected: 0, failed: 0 }
  await inTurn(config.sockets, config.connectConcurrency, async (index) => {
    const origin = config.origins[index % config.origins.length] as string
    try {
      pool.sockets.push(
        await MinimalSocket.connect(origin, {
          ...handlers,
          connectTimeoutMs: config.connectTimeoutMs,
          ...(config.token === undefined ? {} : { auth: { token: config.token } }),
        }),
      )
      pool.connected += 1
    } catch (error) {
      pool.failed += 1
      pool.firstError ??= (error as Error).message
    }
  })
  return pool
}

/** Subscribes every socket of `pool` to `topic`; one refused is closed and counted, not thrown. */
export async function subscribeAll(
  pool: SubscriberPool,
  topic: string,
  concurrency: number,
): Promise<SubscriberPool> {
  const subscribed: SubscriberPool = { sockets: [], connected: 0, failed: pool.failed }
  if (pool.firstError !== undefined) subscribed.firstError = pool.firstError
  await inTurn(pool.sockets.length, concurrency, async (index) => {
    const socket = pool.sockets[index] as MinimalSocket
    try {
      const [ack] = await socket.emitWithAck('subscribe', [{ topics: [topic] }], 30_000)
      if ((ack as { ok?: boolean } | undefined)?.ok !== true) {
        throw new Error(`subscribe refused: ${JSON.stringify(ack)}`)
      }
      subscribed.sockets.push(socket)
      subscribed.connected += 1
    } catch (error) {
      socket.close()
      subscribed.failed += 1
      subscribed.firstError ??= (error as Error).message
    }
  })
  return subscribed
}

/** Connects and subscribes, both phases at once. */
export async function connectSubscribers(
  config: SubscriberPoolConfig,
  handlers: { onEvent: (name: string, args: unknown[]) => void; onClose: () => void },
): Promise<SubscriberPool> {
  const pool = await connectSockets(config, handlers)
  return subscribeAll(pool, config.topic, config.connectConcurrency)
}

/** Runs `work` for 0 … count-1, at most `concurrency` at once. */
async function inTurn(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++)
    }),
  )
}
