import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'

import type { ApiResult } from '../../lib/api-answer'
import { usePolling, type Visibility } from '../usePolling'

/** A tab a test hides and shows. */
function fakeVisibility() {
  let hidden = false
  const listeners = new Set<() => void>()
  const visibility: Visibility = {
    hidden: () => hidden,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return {
    visibility,
    listeners,
    set(next: boolean) {
      hidden = next
      listeners.forEach((listener) => listener())
    },
  }
}

const ok = (value: number): ApiResult<number> => ({ ok: true, value })
const failed: ApiResult<number> = {
  ok: false,
  error: { code: 'forbidden', message: 'an admin token is required' },
}

describe('usePolling', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  function start(load: () => Promise<ApiResult<number>>, visibility = fakeVisibility()) {
    const scope = effectScope()
    const polling = scope.run(() =>
      usePolling(load, { intervalMs: 2000, visibility: visibility.visibility }),
    )!
    return { scope, polling, tab: visibility }
  }

  it('reads at once, then every interval after the last read ended', async () => {
    let n = 0
    const load = vi.fn(() => Promise.resolve(ok(++n)))
    const { polling, scope } = start(load)
    await vi.advanceTimersByTimeAsync(0)
    expect(polling.data.value).toBe(1)

    await vi.advanceTimersByTimeAsync(1999)
    expect(load).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(polling.data.value).toBe(2)
    scope.stop()
  })

  it('never asks twice at once when the API is slow', async () => {
    const load = vi.fn(
      () => new Promise<ApiResult<number>>((resolve) => setTimeout(() => resolve(ok(1)), 5000)),
    )
    const { scope } = start(load)
    await vi.advanceTimersByTimeAsync(4999)
    expect(load).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1 + 2000)
    expect(load).toHaveBeenCalledTimes(2)
    scope.stop()
  })

  it('shows a failed read as its error and keeps the last data', async () => {
    const load = vi.fn<() => Promise<ApiResult<number>>>()
    load.mockResolvedValueOnce(ok(7)).mockResolvedValueOnce(failed).mockResolvedValue(ok(8))
    const { polling, scope } = start(load)
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(2000)
    expect(polling.data.value).toBe(7)
    expect(polling.error.value?.message).toBe('an admin token is required')

    await vi.advanceTimersByTimeAsync(2000)
    expect(polling.data.value).toBe(8)
    expect(polling.error.value).toBeUndefined()
    scope.stop()
  })

  it('stops while the tab is hidden and reads at once when it is seen again', async () => {
    const load = vi.fn(() => Promise.resolve(ok(1)))
    const { scope, tab } = start(load)
    await vi.advanceTimersByTimeAsync(0)
    tab.set(true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(load).toHaveBeenCalledTimes(1)

    tab.set(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(load).toHaveBeenCalledTimes(2)
    scope.stop()
  })

  it('stops for good when its component goes, listener included', async () => {
    const load = vi.fn(() => Promise.resolve(ok(1)))
    const { scope, tab } = start(load)
    await vi.advanceTimersByTimeAsync(0)
    scope.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(load).toHaveBeenCalledTimes(1)
    expect(tab.listeners.size).toBe(0)
  })

  it('drops the answer of a read that a refresh superseded', async () => {
    const answers: ((result: ApiResult<number>) => void)[] = []
    const load = vi.fn(() => new Promise<ApiResult<number>>((resolve) => answers.push(resolve)))
    const { polling, scope } = start(load)
    polling.refresh()
    answers[1]?.(ok(2))
    answers[0]?.(ok(1))
    await vi.advanceTimersByTimeAsync(0)
    expect(polling.data.value).toBe(2)
    scope.stop()
  })
})
