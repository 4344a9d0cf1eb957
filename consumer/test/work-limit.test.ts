import { describe, expect, it } from 'vitest'

import { createWorkLimit } from '../src/work-limit.js'

describe('createWorkLimit', () => {
  it('runs at most `concurrency` at once, the rest in order as slots free', async () => {
    const limit = createWorkLimit(2)
    let running = 0
    let most = 0
    const started: number[] = []
    const releases: (() => void)[] = []
    const work = (id: number) =>
      limit(async () => {
        started.push(id)
        running += 1
        most = Math.max(most, running)
        await new Promise<void>((resolve) => releases.push(resolve))
        running -= 1
        return id
      })
    const results = Promise.all([1, 2, 3, 4, 5].map(work))
    // Frees slots one at a time until every piece ran; a new caller never jumps the queue.
    for (let released = 0; released < 5; released += 1) {
      await new Promise((resolve) => setImmediate(resolve))
      releases.shift()?.()
    }
    expect(await results).toEqual([1, 2, 3, 4, 5])
    expect(started).toEqual([1, 2, 3, 4, 5])
    expect(most).toBe(2)
  })

  it('frees the slot of a piece that failed', async () => {
    const limit = createWorkLimit(1)
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await limit(() => Promise.resolve('next'))).toBe('next')
  })
})
