// Real socket.io-client subscribers, closed after each test.

import type {
  ClientToServerEvents,
  Notification,
  Position,
  ServerToClientEvents,
  SubscriptionAck,
  TopicsRequest,
} from '@herald/shared'
import { io, type Socket } from 'socket.io-client'

import { waitUntil } from './wait.js'

export type Subscriber = Socket<ServerToClientEvents, ClientToServerEvents> & {
  /** Every notification received, in arrival order. */
  received: Notification[]
  /** The topics subscribed through `subscribe`, subscribed again after each reconnect. */
  topics: Set<string>
  /** Every other event received, and each disconnect with its reason, in arrival order. */
  events: { name: string; args: unknown[] }[]
}

const open = new Set<Subscriber>()

/** Connects to a stack's entry point (or one instance) and records every notification. */
export async function connectSubscriber(
  url: string,
  {
    transports = ['websocket'],
    token,
  }: { transports?: ('websocket' | 'polling')[]; token?: string } = {},
): Promise<Subscriber> {
  const socket = io(url, {
    transports,
    reconnection: true,
    timeout: 5000,
    ...(token === undefined ? {} : { auth: { token } }),
  }) as Subscriber
  socket.received = []
  socket.topics = new Set()
  socket.events = []
  socket.onAny((name: string, ...args: unknown[]) => {
    if (name !== 'notification') socket.events.push({ name, args })
  })
  socket.on('disconnect', (reason) => socket.events.push({ name: 'disconnect', args: [reason] }))
  socket.on('notification', (notification) => socket.received.push(notification))
  // A new connection is a new session with no rooms: subscribe again, as a real client does.
  socket.on('connect', () => {
    if (socket.topics.size > 0)
      socket.emit('subscribe', { topics: [...socket.topics] }, () => undefined)
  })
  open.add(socket)
  await waitUntil(() => socket.connected, { what: `a Socket.IO connection to ${url}` })
  return socket
}

/** A handshake the server must refuse: resolves with its `connect_error` (message and data). */
export function connectRefused(
  url: string,
  auth?: Record<string, unknown>,
): Promise<Error & { data?: { code: string; message: string } }> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    timeout: 5000,
    ...(auth === undefined ? {} : { auth }),
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect_error within 10 s')), 10_000)
    socket.on('connect', () => {
      clearTimeout(timer)
      socket.close()
      reject(new Error('the handshake was accepted'))
    })
    socket.on('connect_error', (error) => {
      clearTimeout(timer)
      socket.close()
      resolve(error)
    })
  })
}

/** Subscribes and remembers the topics, so that a reconnect subscribes again. */
export async function subscribe(
  socket: Subscriber,
  request: TopicsRequest,
): Promise<SubscriptionAck> {
  const ack = await emitSubscription(socket, 'subscribe', request)
  if (ack.ok) for (const topic of ack.topics) socket.topics.add(topic)
  return ack
}

export async function unsubscribe(
  socket: Subscriber,
  request: TopicsRequest,
): Promise<SubscriptionAck> {
  const ack = await emitSubscription(socket, 'unsubscribe', request)
  if (ack.ok) socket.topics = new Set(ack.topics)
  return ack
}

async function emitSubscription(
  socket: Subscriber,
  event: 'subscribe' | 'unsubscribe',
  request: TopicsRequest,
): Promise<SubscriptionAck> {
  return (await socket.timeout(5000).emitWithAck(event, request)) as SubscriptionAck
}

/** Resolves once `socket` received `count` notifications of `topic`. */
export function waitForMessages(
  socket: Subscriber,
  topic: string,
  count: number,
  timeoutMs = 15_000,
): Promise<Notification[]> {
  return waitUntil(
    () => {
      const messages = socket.received.filter((n) => n.topic === topic)
      return messages.length >= count ? messages : undefined
    },
    { timeoutMs, what: `${count} notifications on ${topic}` },
  )
}

export function closeSubscribers(): void {
  for (const socket of open) socket.close()
  open.clear()
}

export type OkAck = Extract<SubscriptionAck, { ok: true }>

/** One `subscribe` emit, with positions when given; a refusal throws. Nothing is remembered. */
export async function subscribeRaw(
  socket: Subscriber,
  topics: string[],
  positions?: Record<string, Position>,
): Promise<OkAck> {
  const ack = (await socket
    .timeout(10_000)
    .emitWithAck('subscribe', { topics, ...(positions ? { positions } : {}) })) as SubscriptionAck
  if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`)
  return ack
}

/** Where a client stands: the ack's positions, advanced past every notification it received. */
export function positionsAfter(ack: OkAck, received: Notification[]): Record<string, Position> {
  const positions: Record<string, Position> = structuredClone(ack.positions ?? {})
  for (const n of received) {
    const byPartition = (positions[n.topic] ??= {})
    const next = BigInt(n.offset) + 1n
    if (next > BigInt(byPartition[String(n.partition)] ?? '0'))
      byPartition[String(n.partition)] = next.toString()
  }
  return positions
}

/** The first argument of the first `event` the socket received (or receives within `timeoutMs`). */
export function eventReceived<T>(
  socket: Subscriber,
  event: string,
  timeoutMs = 10_000,
): Promise<T> {
  return waitUntil(() => socket.events.find((e) => e.name === event)?.args[0] as T | undefined, {
    timeoutMs,
    what: `${event} on the socket`,
  })
}
