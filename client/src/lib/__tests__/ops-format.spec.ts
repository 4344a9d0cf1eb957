import { describe, expect, it } from 'vitest'

import { formatAge, formatBytes, formatUptime } from '../ops-format'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [268_435_456, '256 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
    [2 * 1024 ** 5, '2048 TiB'],
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })

  it('shows a dash for what is no size', () => {
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })
})

describe('formatAge', () => {
  const now = 1_800_000_000_000
  it.each([
    [0, 'just now'],
    [999, 'just now'],
    [1000, '1 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3_599_000, '59 min ago'],
    [3_600_000, '1 h ago'],
    [47 * 3_600_000, '47 h ago'],
    [5 * 86_400_000, '5 d ago'],
  ])('%d ms before now reads %s', (before, text) => {
    expect(formatAge(now - before, now)).toBe(text)
  })

  it('reads a time ahead of this clock as just now', () => {
    expect(formatAge(now + 5000, now)).toBe('just now')
  })
})

describe('formatUptime', () => {
  const now = 1_800_000_000_000
  it.each([
    [45_000, '45 s'],
    [12 * 60_000, '12 min'],
    [3 * 3_600_000 + 5 * 60_000, '3 h 05 min'],
    [52 * 3_600_000, '2 d 4 h'],
    [-1000, '0 s'],
  ])('%d ms of running reads %s', (ran, text) => {
    expect(formatUptime(now - ran, now)).toBe(text)
  })
})
