import { describe, expect, it } from 'vitest'

import { clusterId } from '../src/kafka-broker.js'

describe('clusterId', () => {
  it('is 22 URL-safe base64 characters that never start with "-"', () => {
    for (let i = 0; i < 2000; i++) {
      const id = clusterId()
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    }
  })
})
