// The Socket.IO event maps, typed once for the consumer, the browser client and the tests.

import type { ErrorDetail } from './errors.js'
import type { Notification } from './notification.js'

/** `subscribe` / `unsubscribe` payload: `{"topics": [...]}` or a bare array of topic names. */
export type TopicsRequest = { topics: string[] } | string[]

/** The ack of `subscribe` / `unsubscribe`: on success, every topic the socket is subscribed to now. */
export type SubscriptionAck = { ok: true; topics: string[] } | { ok: false; error: ErrorDetail }

export interface ClientToServerEvents {
  subscribe: (request: TopicsRequest, ack: (result: SubscriptionAck) => void) => void
  unsubscribe: (request: TopicsRequest, ack: (result: SubscriptionAck) => void) => void
}

export interface ServerToClientEvents {
  notification: (notification: Notification) => void
}
