import { describe, expect, it } from 'vitest'

import { isHopeless, isSustained, maxSustainedRate } from '../../src/paced/sustained.js'

const step = (offered: number, deliveredShare: number, p99: number) => ({
  offered,
  deliveredShare,
  p99,
})

describe('isSustained', () => {
  it('needs every delivery and a p99 within 200 ms', () => {
    expect(isSustained(step(10_000, 1, 200))).toBe(true)
    expect(isSustained(step(10_000, 1, 201))).toBe(false)
    expect(isSustained(step(10_000, 0.9999, 20))).toBe(false)
  })
})

describe('isHopeless', () => {
  it('gives up on a step that lost deliveries or whose p99 passed 2 s', () => {
    expect(isHopeless(step(50_000, 1, 1999))).toBe(false)
    expect(isHopeless(step(50_000, 1, 2001))).toBe(true)
    expect(isHopeless(step(50_000, 0.98, 100))).toBe(true)
  })
})

describe('maxSustainedRate', () => {
  it('is the highest rate sustained with every lower one sustained, in any order given', () => {
    const steps = [step(50_000, 1, 300), step(10_000, 1, 20), step(25_000, 1, 90)]
    expect(maxSustainedRate(steps)).toBe(25_000)
  })

  it('ignores a higher rate that held above one that did not', () => {
    const steps = [step(10_000, 1, 20), step(25_000, 1, 250), step(50_000, 1, 150)]
    expect(maxSustainedRate(steps)).toBe(10_000)
  })

  it('is undefined when even the lowest rate was not sustained', () => {
    expect(maxSustainedRate([step(10_000, 0.5, 20)])).toBeUndefined()
    expect(maxSustainedRate([])).toBeUndefined()
  })
})
