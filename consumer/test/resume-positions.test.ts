import { describe, expect, it } from 'vitest'

import { resumePositions } from '../src/resume-positions.js'

describe('resumePositions', () => {
  it('takes, per partition, the later of the last catch-up and what the instance applied', () => {
    const acked = { orders: { '0': '10', '1': '4' } }
    const reached = new Map([
      ['orders:0', 7n],
      ['orders:1', 9n],
      ['orders:2', 1n],
    ])
    expect(resumePositions(acked, reached, ['orders'])).toEqual({
      orders: { '0': '10', '1': '9', '2': '1' },
    })
  })

  it('keeps only the topics the entries watch: topics, patterns, keyed streams', () => {
    const reached = new Map([
      ['orders.eu:0', 3n],
      ['orders:0', 5n],
      ['flights:0', 2n],
      ['users:0', 8n],
    ])
    expect(resumePositions({}, reached, ['orders.*', 'flights#LH400'])).toEqual({
      'orders.eu': { '0': '3' },
      flights: { '0': '2' },
    })
  })

  it('uses the catch-up alone for a topic nothing was applied to', () => {
    expect(resumePositions({ quiet: { '0': '12' } }, new Map(), ['quiet'])).toEqual({
      quiet: { '0': '12' },
    })
  })
})
