import { describe, expect, it } from 'vitest'

import { chooseRequestId } from '../src/request-id.js'

describe('chooseRequestId', () => {
  it("keeps nginx's $request_id and a caller's own id of the same alphabet", () => {
    expect(chooseRequestId('0123456789abcdef0123456789abcdef')).toBe(
      '0123456789abcdef0123456789abcdef',
    )
    expect(chooseRequestId('order-42.retry_1')).toBe('order-42.retry_1')
  })

  it('makes one up for a request without a usable id', () => {
    for (const header of [undefined, '', 'a b', 'x'.repeat(65), 'ü', '{"inject":1}']) {
      const id = chooseRequestId(header)
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(id).not.toBe(header)
    }
    expect(chooseRequestId(undefined)).not.toBe(chooseRequestId(undefined))
  })
})
