import { describe, expect, it } from 'vitest'

import { rssByName, stackPercent, topicsBetween } from '../../src/scenarios/topics-plan.js'

describe('topicsBetween', () => {
  it('makes topic i at i / rate seconds, catching up on every one due', () => {
    expect(topicsBetween(10, 0, 0)).toEqual([0])
    expect(topicsBetween(10, 1, 50)).toEqual([])
    expect(topicsBetween(10, 1, 250)).toEqual([1, 2])
    expect(topicsBetween(2, 3, 1400)).toEqual([])
    expect(topicsBetween(2, 3, 2000)).toEqual([3, 4])
  })

  it('makes none at rate 0 (the stream alone)', () => {
    expect(topicsBetween(0, 0, 5000)).toEqual([])
  })
})

describe('rssByName', () => {
  it('gives MiB by process and leaves out the ones that are gone', () => {
    expect(
      rssByName([
        { name: 'kafka', rssBytes: 600 * 2 ** 20 + 1 },
        { name: 'consumer-1', rssBytes: undefined },
      ]),
    ).toEqual({ kafka: 600 })
  })
})

describe('stackPercent', () => {
  it('adds up the stack, not the bench and its load', () => {
    const processes = [
      { name: 'kafka', percent: 10 },
      { name: 'consumer-1', percent: 5 },
      { name: 'bench', percent: 30 },
      { name: 'load', percent: 30 },
    ]
    expect(stackPercent(processes)).toBe(15)
  })
})
