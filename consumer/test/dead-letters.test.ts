import type { ConsumedRecord } from '@herald/shared/kafka'
import { describe, expect, it } from 'vitest'

import { poisonReason } from '../src/dead-letters.js'

const withValue = (value: Buffer | null): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: '0',
  timestamp: 0,
  key: null,
  value,
  requestId: null,
})

describe('poisonReason', () => {
  it('lets UTF-8 text within the limit through, JSON or not, and tombstones', () => {
    expect(poisonReason(withValue(Buffer.from('{"a":"é"}')), 1024)).toBeUndefined()
    expect(poisonReason(withValue(Buffer.from('plain text')), 1024)).toBeUndefined()
    expect(poisonReason(withValue(null), 1024)).toBeUndefined()
  })

  it('refuses records over the size limit', () => {
    expect(poisonReason(withValue(Buffer.alloc(1025, 'a')), 1024)).toBe('too_large')
  })

  it('refuses bytes that are not UTF-8', () => {
    expect(poisonReason(withValue(Buffer.from([0xc3, 0x28, 0xff])), 1024)).toBe('not_utf8')
  })
})
