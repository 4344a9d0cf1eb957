// The Socket.IO event maps, typed once for the consumer, the browser client and the tests.

import type { ErrorDetail } from './errors.js'
import type { Notification } from './notification.js'
import type { Position } from './position.js'

/**
 * `subscribe` / `unsubscribe` payload: `{"topics": [...]}` or a bare array of topics and patterns.
 * A socket subscribing again after a disconnect adds `positions`: for each topic, where it stopped
 * (the positions of the last ack, advanced past every notification received since).
 */
export type TopicsRequest = { topics: string[]; positions?: Record<string, Position> } | string[]

/** What a (re)subscription did about the records a socket may have missed. */
export type RecoveryVerdict =
  /** First subscription: live from now on, nothing to replay. */
  | { status: 'new'; replayed: 0 }
  /** Every record since the given position was replayed, in order, before this ack. */
  | { status: 'recovered'; replayed: number }
  /**
   * A gap could not be filled: the position is older than the topic's retention
   * (`position_expired`, what is still kept was replayed) or not in the topic at all
   * (`unknown_position`, e.g. the topic was deleted and created again), or — a keyed stream
   * only — further behind than a replay scans in its key's partition (`scan_limit`, the latest
   * HERALD_KEY_SCAN_LIMIT offsets were scanned; the rest can be paged through the history API).
   */
  | {
      status: 'not_recovered'
      replayed: number
      reason: 'position_expired' | 'unknown_position' | 'scan_limit'
    }

export type SubscriptionAck =
  | {
      ok: true
      /** Every topic and pattern the socket is subscribed to now, sorted. */
      topics: string[]
      /** subscribe only: one verdict per requested entry. */
      recovery?: Record<string, RecoveryVerdict>
      /**
       * subscribe only: for each topic of the request (each topic matching a requested pattern),
       * the next offset of each partition at the moment live delivery began.
       */
      positions?: Record<string, Position>
    }
  | { ok: false; error: ErrorDetail }

/** `token:refresh` ack: the fresh token's expiry and what the socket still watches under it. */
export type TokenRefreshAck =
  { ok: true; expiresAt: number; topics: string[] } | { ok: false; error: ErrorDetail }

/** `token:expiring`: the socket's token ends at `expiresAt` (ms since the epoch) unless refreshed. */
export interface TokenExpiringNotice {
  expiresAt: number
  message: string
}

/**
 * `resync`: this socket's live notifications were interrupted (the consumer lost its Redis
 * connection, through which broadcasts reach every instance), and the server replayed from Kafka
 * what the socket missed meanwhile, in order, before sending this. One verdict per entry watched,
 * as in a subscription's ack, and the positions at which live delivery took over again.
 */
export interface ResyncNotice {
  reason: 'broadcast_interrupted'
  message: string
  recovery: Record<string, RecoveryVerdict>
  positions: Record<string, Position>
}

export interface ClientToServerEvents {
  subscribe: (request: TopicsRequest, ack: (result: SubscriptionAck) => void) => void
  unsubscribe: (request: TopicsRequest, ack: (result: SubscriptionAck) => void) => void
  /** A fresh token for the same subject, presented without reconnecting. */
  'token:refresh': (token: string, ack: (result: TokenRefreshAck) => void) => void
}

export interface ServerToClientEvents {
  notification: (notification: Notification) => void
  'token:expiring': (notice: TokenExpiringNotice) => void
  /** Sent just before the server disconnects a socket whose token expired unrefreshed. */
  'token:expired': (reason: ErrorDetail) => void
  resync: (notice: ResyncNotice) => void
  /**
   * Sent when more was waiting for this socket than the server keeps for one (it does not read
   * fast enough); the connection closes after it, and the client reconnects and subscribes again
   * with its positions to catch up from Kafka.
   */
  slow_consumer: (reason: ErrorDetail) => void
}
