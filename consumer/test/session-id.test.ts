import { describe, expect, it } from 'vitest'

import { sessionIdFromAffinity } from '../src/session-id.js'

const key = '0123456789abcdef0123456789abcdef'

describe('sessionIdFromAffinity', () => {
  it("uses nginx's affinity key as the session id", () => {
    expect(sessionIdFromAffinity(key, () => false)).toBe(key)
  })

  it('declines a key already in use, so no session can be taken over', () => {
    expect(sessionIdFromAffinity(key, (id) => id === key)).toBeUndefined()
  })

  it.each([undefined, '', 'short', key.toUpperCase(), `${key}0`, [key, key]])(
    'declines %j',
    (header) => {
      expect(sessionIdFromAffinity(header, () => false)).toBeUndefined()
    },
  )
})
