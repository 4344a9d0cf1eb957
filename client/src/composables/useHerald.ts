// The page's one Socket.IO connection: the watched topics and their subscriptions, the connection
// state and the feed. Components read its refs and call its two actions; nothing else touches the
// socket.

import {
  isValidTopic,
  type ClientToServerEvents,
  type ErrorDetail,
  type Notification,
  type ServerToClientEvents,
} from '@herald/shared'
import { io, type Socket } from 'socket.io-client'
import { computed, onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'

import { createFeedStore, EMPTY_FEED, type FeedSnapshot } from '../lib/feed-store'
import { animationFrames, createFrameBatcher, type FrameScheduler } from '../lib/frame-batcher'

export type HeraldSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline'

export interface HeraldOptions {
  /** Topics watched from the start, e.g. the page address's. */
  initialTopics?: readonly string[]
  /** @default a same-origin socket.io-client connection */
  createSocket?: () => HeraldSocket
  /** When queued notifications reach the feed. @default animation frames */
  scheduler?: FrameScheduler
}

export interface Herald {
  state: Readonly<Ref<ConnectionState>>
  /** In the order they were added. */
  topics: Readonly<ShallowRef<readonly string[]>>
  feed: Readonly<ShallowRef<FeedSnapshot>>
  /** The last refusal of a subscribe or unsubscribe, until one succeeds. */
  subscriptionError: Readonly<ShallowRef<ErrorDetail | undefined>>
  /** Starts watching a valid topic; an invalid or already watched one is ignored. */
  addTopic: (topic: string) => void
  removeTopic: (topic: string) => void
}

export function useHerald({
  initialTopics = [],
  createSocket = () => io(),
  scheduler = animationFrames,
}: HeraldOptions = {}): Herald {
  const topics = shallowRef<readonly string[]>([...new Set(initialTopics.filter(isValidTopic))])
  const watched = computed(() => new Set(topics.value))
  const feed = shallowRef<FeedSnapshot>(EMPTY_FEED)
  const subscriptionError = shallowRef<ErrorDetail>()
  const browserOnline = ref(navigator.onLine)
  // socket.io-client retries a lost connection forever; it gives up only when the server refuses
  // the connection itself.
  const socketState = ref<Exclude<ConnectionState, 'offline'> | 'refused'>('connecting')
  const state = computed<ConnectionState>(() =>
    !browserOnline.value || socketState.value === 'refused' ? 'offline' : socketState.value,
  )

  const store = createFeedStore()
  // Vue sees only the snapshot, replaced whole, so it never proxies thousands of notifications.
  const batcher = createFrameBatcher<Notification>((batch) => {
    if (store.add(batch.filter((n) => watched.value.has(n.topic)))) feed.value = store.snapshot()
  }, scheduler)

  const socket = createSocket()

  const forget = (topic: string): void => {
    topics.value = topics.value.filter((watchedTopic) => watchedTopic !== topic)
    store.removeTopic(topic)
    feed.value = store.snapshot()
  }

  const send = (event: 'subscribe' | 'unsubscribe', requested: string[]): void => {
    // Offline, nothing is sent: the next `connect` subscribes to everything watched by then.
    if (!socket.connected || requested.length === 0) return
    socket.emit(event, { topics: requested }, (ack) => {
      if (ack.ok) {
        subscriptionError.value = undefined
        return
      }
      subscriptionError.value = ack.error
      // A refused topic delivers nothing; listing it as watched would say otherwise.
      if (event === 'subscribe') requested.forEach(forget)
    })
  }

  // Fired on every connect and reconnect; each is a new session with no subscriptions.
  socket.on('connect', () => {
    socketState.value = 'live'
    send('subscribe', [...topics.value])
  })
  socket.on('disconnect', (reason) => {
    socketState.value = 'reconnecting'
    // The one disconnect socket.io-client does not retry by itself: the server ended the session.
    if (reason === 'io server disconnect') socket.connect()
  })
  socket.on('connect_error', () => {
    if (!socket.active) socketState.value = 'refused'
  })
  socket.on('notification', (notification) => {
    if (watched.value.has(notification.topic)) batcher.push(notification)
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
    socket.disconnect()
  })

  return {
    state,
    topics,
    feed,
    subscriptionError,
    addTopic(topic) {
      if (!isValidTopic(topic) || watched.value.has(topic)) return
      topics.value = [...topics.value, topic]
      send('subscribe', [topic])
    },
    removeTopic(topic) {
      if (!watched.value.has(topic)) return
      forget(topic)
      send('unsubscribe', [topic])
    },
  }
}
