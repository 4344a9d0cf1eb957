// Collects items as they arrive and hands them over at most once per animation frame, so a burst
// of thousands of notifications a second costs one feed update and one render per frame.

export interface FrameScheduler {
  request(callback: () => void): number
  cancel(handle: number): void
}

export const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
}

/**
 * Browsers pause animation frames in background tabs; past this many queued items the batch is
 * handed over at once, so a hidden page does not queue without bound.
 */
export const MAX_QUEUED = 5000

export interface FrameBatcher<T> {
  push(item: T): void
  /** Hands over what is queued now, without waiting for the frame. */
  flush(): void
  /** Drops what is queued and the pending frame. */
  cancel(): void
}

export function createFrameBatcher<T>(
  flush: (batch: T[]) => void,
  scheduler: FrameScheduler = animationFrames,
  maxQueued = MAX_QUEUED,
): FrameBatcher<T> {
  let queue: T[] = []
  let frame: number | undefined

  const cancelFrame = (): void => {
    if (frame !== undefined) scheduler.cancel(frame)
    frame = undefined
  }
  const run = (): void => {
    frame = undefined
    const batch = queue
    queue = []
    flush(batch)
  }

  return {
    push(item) {
      queue.push(item)
      if (queue.length >= maxQueued) {
        cancelFrame()
        run()
      } else {
        frame ??= scheduler.request(run)
      }
    },
    flush() {
      if (queue.length === 0) return
      cancelFrame()
      run()
    },
    cancel() {
      cancelFrame()
      queue = []
    },
  }
}
