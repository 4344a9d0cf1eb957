import { describe, expect, it } from 'vitest'

import { clusterId, kafkaNodeName, replicationOf } from '../src/kafka-broker.js'

describe('clusterId', () => {
  it('is 22 URL-safe base64 characters that never start with "-"', () => {
    for (let i = 0; i < 2000; i++) {
      const id = clusterId()
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    }
  })
})

describe('replicationOf', () => {
  it('keeps three replicas on three brokers, two of them needed to acknowledge a write', () => {
    expect(replicationOf(3)).toEqual({ factor: 3, minInSync: 2 })
    expect(replicationOf(1)).toEqual({ factor: 1, minInSync: 1 })
  })
})

describe('kafkaNodeName', () => {
  it('names a lone broker kafka, and numbers the nodes of a cluster', () => {
    expect(kafkaNodeName(1, 1)).toBe('kafka')
    expect([1, 2, 3].map((id) => kafkaNodeName(id, 3))).toEqual(['kafka-1', 'kafka-2', 'kafka-3'])
  })
})
