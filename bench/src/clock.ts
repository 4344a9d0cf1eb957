// One clock for every bench process on this machine: wall-clock milliseconds with sub-millisecond
// resolution, so a send time written by one process can be subtracted from a receive time read by
// another (Date.now() alone would round every latency to whole milliseconds).

export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The notification payload every bench scenario posts: who sent it and when. */
export interface StampedMessage {
  seq: number
  sentAt: number
}

/** Reads a StampedMessage back out of a received notification's `message`, if it is one. */
export function stampOf(message: unknown): StampedMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const { seq, sentAt } = message as Partial<StampedMessage>
  return typeof seq === 'number' && typeof sentAt === 'number' ? { seq, sentAt } : undefined
}
