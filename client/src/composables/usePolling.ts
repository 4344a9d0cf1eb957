// Reads something again and again, every 2 s: the operator's page's instances and topics. One
// request at a time (the next is timed from the end of the last, so a slow API is never asked
// twice at once), none while the tab is hidden, none after the component is gone. A failed read
// shows its error and keeps the last data: a blip must not blank the tables.

import { onScopeDispose, shallowRef, type ShallowRef } from 'vue'

import type { ApiError, ApiResult } from '../lib/api-answer'

export const POLL_INTERVAL_MS = 2000

/** Whether the page is seen, and news of it changing: the document's, or a test's. */
export interface Visibility {
  hidden(): boolean
  /** Calls `listener` on every change; answers how to stop. */
  onChange(listener: () => void): () => void
}

export const documentVisibility: Visibility = {
  hidden: () => document.visibilityState === 'hidden',
  onChange(listener) {
    document.addEventListener('visibilitychange', listener)
    return () => document.removeEventListener('visibilitychange', listener)
  },
}

export interface PollingOptions {
  /** @default POLL_INTERVAL_MS */
  intervalMs?: number
  /** @default the document's visibility */
  visibility?: Visibility
}

export interface Polling<T> {
  /** The last value read, kept through failed reads. */
  data: Readonly<ShallowRef<T | undefined>>
  /** The last read's error, until a read succeeds. */
  error: Readonly<ShallowRef<ApiError | undefined>>
  /** Reads now (its parameters changed); a read in flight is superseded, its answer dropped. */
  refresh: () => void
}

export function usePolling<T>(
  load: () => Promise<ApiResult<T>>,
  { intervalMs = POLL_INTERVAL_MS, visibility = documentVisibility }: PollingOptions = {},
): Polling<T> {
  const data = shallowRef<T>()
  const error = shallowRef<ApiError>()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Counts reads begun: an answer to any but the latest is stale. */
  let latest = 0
  let disposed = false

  const schedule = (): void => {
    clearTimeout(timer)
    timer = undefined
    if (disposed || visibility.hidden()) return
    timer = setTimeout(read, intervalMs)
  }

  async function read(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    if (disposed || visibility.hidden()) return
    const mine = ++latest
    const result = await load()
    if (disposed || mine !== latest) return
    if (result.ok) {
      data.value = result.value
      error.value = undefined
    } else {
      error.value = result.error
    }
    schedule()
  }

  const stopWatching = visibility.onChange(() => {
    if (visibility.hidden()) {
      clearTimeout(timer)
      timer = undefined
      // An answer still on its way is dropped: reading starts afresh when the tab is seen again.
      latest++
    } else {
      void read()
    }
  })
  void read()

  onScopeDispose(() => {
    disposed = true
    clearTimeout(timer)
    stopWatching()
  })

  return { data, error, refresh: () => void read() }
}
