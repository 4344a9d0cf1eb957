import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { watchGroupLag } from '../src/group-lag-watch.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('watchGroupLag', () => {
  it('reads at once and every interval, keeps the last figure through failures, and stops', async () => {
    vi.useFakeTimers()
    const answers: (bigint | Error)[] = [5n, new Error('Kafka away'), 9n]
    let reads = 0
    const read = (): Promise<bigint> => {
      const answer = answers[reads] ?? 0n
      reads += 1
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
    }
    const logger = pino({ level: 'silent' })
    const warn = vi.spyOn(logger, 'warn')
    const watch = watchGroupLag(read, { intervalMs: 1000, logger })
    await vi.advanceTimersByTimeAsync(0)
    expect(watch.latest()).toBe(5)
    await vi.advanceTimersByTimeAsync(1000)
    expect(watch.latest()).toBe(5)
    expect(warn).toHaveBeenCalledOnce()
    await vi.advanceTimersByTimeAsync(1000)
    expect(watch.latest()).toBe(9)
    watch.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(reads).toBe(3)
  })
})
