import { describe, expect, it } from 'vitest'

import { formatPositionQuery, isPosition, parsePositionQuery } from '../src/position.js'

describe('positions', () => {
  it('round-trips the query form', () => {
    const position = parsePositionQuery('2:7, 0:12')
    expect(position).toEqual({ '0': '12', '2': '7' })
    expect(formatPositionQuery(position ?? {})).toBe('0:12,2:7')
  })

  it('keeps 64-bit offsets exact', () => {
    expect(parsePositionQuery('0:9223372036854775806')).toEqual({ '0': '9223372036854775806' })
  })

  it.each(['', '0', '0:', ':1', '0:-1', 'a:1', '0:1,,1:2', '0:1.5'])('refuses %j', (text) => {
    expect(parsePositionQuery(text)).toBeUndefined()
  })

  it('checks the JSON form', () => {
    expect(isPosition({ '0': '12' })).toBe(true)
    expect(isPosition({})).toBe(true)
    expect(isPosition({ '0': 12 })).toBe(false)
    expect(isPosition({ x: '1' })).toBe(false)
    expect(isPosition(['1'])).toBe(false)
  })
})
