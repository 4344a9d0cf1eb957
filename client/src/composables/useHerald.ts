// The page's one Socket.IO connection: the watched topics and their subscriptions, the connection
// state, the feed and what reconnecting recovered. Components read its refs and call its actions;
// nothing else touches the socket.
//
// The first connect of a page load subscribes afresh. Every later connect subscribes to everything
// watched in one request, with the positions the page has reached, so that the server replays what
// was missed before it acknowledges (see lib/position-tracker.ts).

import {
  type ClientToServerEvents,
  type ErrorDetail,
  type Notification,
  type ServerToClientEvents,
  type SubscriptionAck,
} from '@herald/shared'
import { io, type Socket } from 'socket.io-client'
import { computed, onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue'

import { createFeedStore, EMPTY_FEED, type FeedLimits, type FeedSnapshot } from '../lib/feed-store'
import { animationFrames, createFrameBatcher, type FrameScheduler } from '../lib/frame-batcher'
import { createPositionTracker, type PendingSubscription } from '../lib/position-tracker'
import { applyVerdicts, type RecoveryNotice } from '../lib/recovery-notices'
import { entryCovers, isWatchable, topicOfEntry } from '../lib/watch-entries'

export type HeraldSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline'

/** How long a subscription that failed for want of Kafka waits before it is sent again. */
export const RESUBSCRIBE_DELAY_MS = 2000

/** What the server said about the page's token. */
export type TokenNotice =
  | { kind: 'expiring'; expiresAt: number }
  | { kind: 'expired'; message: string }
  | { kind: 'refused'; error: ErrorDetail }

export interface HeraldOptions {
  /** Topics watched from the start, e.g. the page address's. */
  initialTopics?: readonly string[]
  /** The subscriber token sent in each handshake; a new one is presented without reconnecting. */
  token?: Readonly<Ref<string | undefined>>
  /**
   * @default a same-origin socket.io-client connection that sends `token` in its handshake's
   * `auth` (never in the URL), read again at every reconnect
   */
  createSocket?: () => HeraldSocket
  /** When queued notifications reach the feed. @default animation frames */
  scheduler?: FrameScheduler
  /** How much the feed keeps (the operator's live tail keeps a few hundred). @default per topic only */
  feedLimits?: FeedLimits
}

export interface Herald {
  state: Readonly<Ref<ConnectionState>>
  /** Topics and keyed streams (`orders#user-42`), in the order they were added. */
  topics: Readonly<ShallowRef<readonly string[]>>
  feed: Readonly<ShallowRef<FeedSnapshot>>
  /** The last refusal of a subscribe or unsubscribe, until one succeeds. */
  subscriptionError: Readonly<ShallowRef<ErrorDetail | undefined>>
  /** Gaps that reconnecting could not fill (kept until dismissed), and what it recovered. */
  recoveryNotices: Readonly<ShallowRef<readonly RecoveryNotice[]>>
  /**
   * Why the server closed the connection (`slow_consumer`: the page fell behind), until the
   * reconnection's subscription is acknowledged with what it caught up.
   */
  connectionNotice: Readonly<ShallowRef<ErrorDetail | undefined>>
  /** Why the server refused the connection (a missing or bad token, a limit), until it accepts. */
  connectionError: Readonly<ShallowRef<ErrorDetail | undefined>>
  /** The token's expiry warning, its end, or a refused refresh. */
  tokenNotice: Readonly<ShallowRef<TokenNotice | undefined>>
  /** Starts watching a valid topic or keyed stream; an invalid or already watched one is ignored. */
  addTopic: (topic: string) => void
  removeTopic: (topic: string) => void
  dismissNotice: (notice: RecoveryNotice) => void
  /** Empties the feed; what it showed is not shown again. */
  clearFeed: () => void
}

export function useHerald({
  initialTopics = [],
  token,
  createSocket = () =>
    io({ auth: (send) => send(token?.value === undefined ? {} : { token: token.value }) }),
  scheduler = animationFrames,
  feedLimits,
}: HeraldOptions = {}): Herald {
  const topics = shallowRef<readonly string[]>([...new Set(initialTopics.filter(isWatchable))])
  const watched = computed(() => new Set(topics.value))
  /** Whether a watched entry shows the notification: its topic, or its topic and key. */
  const wanted = (notification: Notification): boolean =>
    topics.value.some((entry) => entryCovers(entry, notification))
  /** Whether a watched entry reads the topic, wholly or one of its keys. */
  const readsTopic = (topic: string): boolean =>
    topics.value.some((entry) => topicOfEntry(entry) === topic)
  const feed = shallowRef<FeedSnapshot>(EMPTY_FEED)
  const subscriptionError = shallowRef<ErrorDetail>()
  const recoveryNotices = shallowRef<readonly RecoveryNotice[]>([])
  const connectionError = shallowRef<ErrorDetail>()
  const connectionNotice = shallowRef<ErrorDetail>()
  const tokenNotice = shallowRef<TokenNotice>()
  const browserOnline = ref(navigator.onLine)
  // socket.io-client retries a lost connection forever; it gives up only when the server refuses
  // the connection itself.
  const socketState = ref<Exclude<ConnectionState, 'offline'> | 'refused'>('connecting')
  const state = computed<ConnectionState>(() =>
    !browserOnline.value || socketState.value === 'refused' ? 'offline' : socketState.value,
  )

  const store = createFeedStore(feedLimits)
  // Vue sees only the snapshot, replaced whole, so it never proxies thousands of notifications.
  const batcher = createFrameBatcher<Notification>((batch) => {
    if (store.add(batch.filter(wanted))) feed.value = store.snapshot()
  }, scheduler)

  // Positions move on arrival, not when a frame shows the notifications: a reconnect may come first.
  const tracker = createPositionTracker()
  const deliver = (notifications: readonly Notification[]): void => {
    for (const notification of notifications) batcher.push(notification)
  }

  const socket = createSocket()
  let connectedBefore = false
  const retries = new Set<ReturnType<typeof setTimeout>>()
  const cancelRetries = (): void => {
    retries.forEach(clearTimeout)
    retries.clear()
  }

  const forget = (entry: string): void => {
    topics.value = topics.value.filter((watchedEntry) => watchedEntry !== entry)
    const topic = topicOfEntry(entry)
    if (readsTopic(topic)) {
      // Other entries still read the topic: drop only what no watched entry shows any more.
      store.removeWhere((n) => n.topic === topic && !wanted(n))
    } else {
      store.removeTopic(topic)
      tracker.forget(topic)
    }
    recoveryNotices.value = recoveryNotices.value.filter((notice) => notice.topic !== entry)
    feed.value = store.snapshot()
  }

  const acknowledged = (
    ack: Extract<SubscriptionAck, { ok: true }>,
    pending: PendingSubscription,
  ): void => {
    const { resets, released } = tracker.settle(pending, ack.positions ?? {}, readsTopic)
    if (resets.length > 0) {
      // What is still queued from the old topic must meet the store before it forgets those offsets.
      batcher.flush()
      for (const { topic, partition, below } of resets) {
        store.resetPartition(topic, partition, below)
      }
      feed.value = store.snapshot()
    }
    deliver(released)
    const verdicts = Object.entries(ack.recovery ?? {}).filter(([entry]) =>
      watched.value.has(entry),
    )
    recoveryNotices.value = applyVerdicts(recoveryNotices.value, verdicts)
  }

  /**
   * `recover`: send the positions reached, so the server replays what was missed (topics without
   * one are replayed from their start); otherwise a first subscription, live from now on.
   */
  const subscribe = (requested: string[], recover: boolean): void => {
    // Offline, nothing is sent: the next `connect` subscribes to everything watched by then.
    if (!socket.connected || requested.length === 0) return
    const positions = recover ? tracker.positionsFor(requested) : undefined
    const pending = tracker.begin(requested, positions)
    const request =
      positions === undefined ? { topics: requested } : { topics: requested, positions }
    socket.emit('subscribe', request, (ack) => {
      if (!tracker.isPending(pending)) return
      if (ack.ok) {
        subscriptionError.value = undefined
        if (recover) connectionNotice.value = undefined
        acknowledged(ack, pending)
        return
      }
      deliver(tracker.abandon(pending))
      subscriptionError.value = ack.error
      if (ack.error.code !== 'kafka_unavailable') {
        // A refused topic delivers nothing; listing it as watched would say otherwise.
        requested.forEach(forget)
        return
      }
      // The server could not read Kafka for the catch-up: ask again, from the same positions.
      const retry = setTimeout(() => {
        retries.delete(retry)
        subscribe(
          requested.filter((topic) => watched.value.has(topic)),
          recover,
        )
      }, RESUBSCRIBE_DELAY_MS)
      retries.add(retry)
    })
  }

  const unsubscribe = (requested: string[]): void => {
    if (!socket.connected) return
    socket.emit('unsubscribe', { topics: requested }, (ack) => {
      subscriptionError.value = ack.ok ? undefined : ack.error
    })
  }

  // Fired on every connect and reconnect; each is a new session with no subscriptions.
  socket.on('connect', () => {
    socketState.value = 'live'
    connectionError.value = undefined
    cancelRetries()
    subscribe([...topics.value], connectedBefore)
    connectedBefore = true
  })
  socket.on('disconnect', (reason) => {
    socketState.value = 'reconnecting'
    cancelRetries()
    // Acks of this session will not come; what arrived for them still goes to the feed.
    deliver(tracker.abandonAll())
    // The one disconnect socket.io-client does not retry by itself: the server ended the session.
    if (reason === 'io server disconnect') socket.connect()
  })
  socket.on('connect_error', (error) => {
    if (socket.active) return
    // The server's middleware refused the handshake: its `data` says why, in the contract's words.
    socketState.value = 'refused'
    const { data } = error as Error & { data?: ErrorDetail }
    connectionError.value =
      data !== undefined && typeof data.code === 'string'
        ? data
        : { code: 'internal_error', message: error.message }
  })
  // The server replayed what a broken broadcast path made this socket miss: say what it recovered.
  socket.on('resync', ({ recovery }) => {
    const verdicts = Object.entries(recovery).filter(([entry]) => watched.value.has(entry))
    recoveryNotices.value = applyVerdicts(recoveryNotices.value, verdicts)
  })
  // The server cut this connection for falling behind; socket.io-client reconnects on its own and
  // the reconnection's subscription catches up from Kafka.
  socket.on('slow_consumer', (reason) => {
    connectionNotice.value = reason
  })
  socket.on('token:expiring', ({ expiresAt }) => {
    tokenNotice.value = { kind: 'expiring', expiresAt }
  })
  socket.on('token:expired', ({ message }) => {
    tokenNotice.value = { kind: 'expired', message }
  })
  if (token !== undefined) {
    watch(token, (fresh) => {
      if (fresh === undefined) return
      if (!socket.connected) {
        // Refused or between attempts: the next handshake reads the fresh token.
        socketState.value = 'reconnecting'
        socket.connect()
        return
      }
      socket.emit('token:refresh', fresh, (ack) => {
        tokenNotice.value = ack.ok ? undefined : { kind: 'refused', error: ack.error }
      })
    })
  }
  socket.on('notification', (notification) => {
    if (!wanted(notification)) return
    // A hole in a topic read whole: ask again from the position reached, so the server replays
    // what is missing before its ack (its verdict shows among the recovery notices); this
    // notification is shown now, and once.
    if (topics.value.includes(notification.topic) && tracker.gapAt(notification)) {
      subscribe([notification.topic], true)
    }
    if (tracker.arrive(notification)) batcher.push(notification)
  })

  const onOnline = (): void => {
    browserOnline.value = true
    if (socketState.value === 'refused') {
      socketState.value = 'reconnecting'
      socket.connect()
    }
  }
  const onOffline = (): void => {
    browserOnline.value = false
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)

  onScopeDispose(() => {
    window.removeEventListener('online', onOnline)
    window.removeEventListener('offline', onOffline)
    batcher.cancel()
    cancelRetries()
    socket.disconnect()
  })

  return {
    state,
    topics,
    feed,
    subscriptionError,
    recoveryNotices,
    connectionError,
    connectionNotice,
    tokenNotice,
    addTopic(topic) {
      if (!isWatchable(topic) || watched.value.has(topic)) return
      topics.value = [...topics.value, topic]
      subscribe([topic], false)
    },
    removeTopic(topic) {
      if (!watched.value.has(topic)) return
      forget(topic)
      unsubscribe([topic])
    },
    dismissNotice(dismissed) {
      recoveryNotices.value = recoveryNotices.value.filter(
        (notice) => notice.kind !== dismissed.kind || notice.topic !== dismissed.topic,
      )
    },
    clearFeed() {
      // What is queued for the next frame is older than the click: it goes too.
      batcher.flush()
      store.clear()
      feed.value = store.snapshot()
    },
  }
}
