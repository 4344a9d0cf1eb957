import { describe, expect, it } from 'vitest'

import { decodeRecordValue, toNotification } from '../../src/kafka/record.js'

describe('decodeRecordValue', () => {
  it('decodes JSON values', () => {
    expect(decodeRecordValue(Buffer.from('{"a":[1,2]}'))).toEqual({ a: [1, 2] })
    expect(decodeRecordValue(Buffer.from('"text"'))).toBe('text')
    expect(decodeRecordValue(Buffer.from('42'))).toBe(42)
  })

  it('passes a value that is not JSON on as text', () => {
    expect(decodeRecordValue(Buffer.from('plain <b>text</b>'))).toBe('plain <b>text</b>')
    expect(decodeRecordValue(Buffer.from([0xff, 0xfe]))).toBe('\ufffd\ufffd')
  })

  it('turns a tombstone into null', () => {
    expect(decodeRecordValue(null)).toBeNull()
  })
})

describe('toNotification', () => {
  it('carries the record id, key, decoded message and the id of the request that published it', () => {
    expect(
      toNotification({
        topic: 'orders',
        partition: 2,
        offset: '17',
        timestamp: 1700000000000,
        key: 'k',
        value: Buffer.from('{"n":1}'),
        requestId: 'a1b2',
      }),
    ).toEqual({
      topic: 'orders',
      partition: 2,
      offset: '17',
      timestamp: 1700000000000,
      key: 'k',
      message: { n: 1 },
      requestId: 'a1b2',
    })
  })
})
