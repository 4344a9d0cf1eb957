// Stand-ins for the client's specs: notifications built from a few fields, animation frames that
// run only when a test says so, and the operator's API.

import type { Notification } from '@herald/shared'
import { vi, type Mock } from 'vitest'

import type { AdminClient } from '../lib/admin-client'

import type { FrameScheduler } from '../lib/frame-batcher'

/** A notification on `orders`, partition 0; `offset` defaults to the timestamp. */
export function notification(fields: Partial<Notification> & { timestamp: number }): Notification {
  return {
    topic: 'orders',
    partition: 0,
    offset: String(fields.timestamp),
    key: null,
    message: `message ${fields.timestamp}`,
    requestId: null,
    ...fields,
  }
}

export interface FakeFrames extends FrameScheduler {
  /** Frames requested and not yet run or cancelled. */
  readonly pending: number
  /** Runs every pending frame, as the browser does before it paints. */
  runFrame(): void
}

export function fakeFrames(): FakeFrames {
  const callbacks = new Map<number, () => void>()
  let nextHandle = 1
  return {
    request(callback) {
      callbacks.set(nextHandle, callback)
      return nextHandle++
    },
    cancel: (handle) => void callbacks.delete(handle),
    get pending() {
      return callbacks.size
    },
    runFrame() {
      const due = [...callbacks.values()]
      callbacks.clear()
      for (const callback of due) callback()
    },
  }
}

/** An admin API whose every call answers what a test gives it (nothing by default). */
export function fakeAdmin(answers: Partial<AdminClient> = {}): {
  [K in keyof AdminClient]: Mock<AdminClient[K]>
} {
  const never = () => new Promise<never>(() => undefined)
  return {
    instances: vi.fn(answers.instances ?? never),
    topics: vi.fn(answers.topics ?? never),
    deadLetters: vi.fn(answers.deadLetters ?? never),
    history: vi.fn(answers.history ?? never),
  }
}
