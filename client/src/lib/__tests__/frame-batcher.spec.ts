import { describe, expect, it } from 'vitest'

import { fakeFrames } from '../../test-support/fakes'
import { createFrameBatcher } from '../frame-batcher'

function setup(maxQueued?: number) {
  const frames = fakeFrames()
  const batches: number[][] = []
  const batcher = createFrameBatcher<number>((batch) => batches.push(batch), frames, maxQueued)
  return { frames, batches, batcher }
}

describe('frame batcher', () => {
  it('hands over everything pushed before a frame as one batch, in order', () => {
    const { frames, batches, batcher } = setup()
    for (const item of [1, 2, 3]) batcher.push(item)

    expect(frames.pending).toBe(1)
    expect(batches).toEqual([])
    frames.runFrame()
    expect(batches).toEqual([[1, 2, 3]])
  })

  it('asks for a new frame only once something new arrives', () => {
    const { frames, batches, batcher } = setup()
    batcher.push(1)
    frames.runFrame()
    expect(frames.pending).toBe(0)

    batcher.push(2)
    expect(frames.pending).toBe(1)
    frames.runFrame()
    expect(batches).toEqual([[1], [2]])
  })

  it('hands over at once when the queue is full, as in a background tab without frames', () => {
    const { frames, batches, batcher } = setup(3)
    for (const item of [1, 2, 3, 4]) batcher.push(item)

    expect(batches).toEqual([[1, 2, 3]])
    frames.runFrame()
    expect(batches).toEqual([[1, 2, 3], [4]])
  })

  it('hands over at once when flushed, and not again at the frame', () => {
    const { frames, batches, batcher } = setup()
    batcher.flush()
    expect(batches).toEqual([])

    batcher.push(1)
    batcher.flush()
    expect(batches).toEqual([[1]])
    expect(frames.pending).toBe(0)
  })

  it('drops the queue and its frame when cancelled', () => {
    const { frames, batches, batcher } = setup()
    batcher.push(1)
    batcher.cancel()

    expect(frames.pending).toBe(0)
    frames.runFrame()
    expect(batches).toEqual([])
  })
})
