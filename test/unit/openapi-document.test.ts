// The document's own schemas against answers herald gives: a schema no answer can satisfy would
// otherwise surface only when the fuzz test's random seed happens to produce that answer.

import { describe, expect, it } from 'vitest'

import { answerProblem } from '../support/openapi.js'

describe('the OpenAPI document', () => {
  it('accepts a batch answer with a stored item and a refused one, as /notify/batch gives it', () => {
    const answer = {
      accepted: 1,
      failed: 1,
      results: [
        { status: 202, topic: 'orders', partition: 0, offset: '41', timestamp: 1_765_000_000_000 },
        { status: 400, error: { code: 'invalid_body', message: 'topic is required' } },
      ],
    }
    expect(answerProblem('/notify/batch', 'POST', 200, answer)).toBeUndefined()
  })

  it('refuses a stored item with a field the contract does not have', () => {
    const item = { status: 202, topic: 'orders', partition: 0, offset: '41', timestamp: 1, x: 1 }
    const answer = { accepted: 1, failed: 0, results: [item] }
    expect(answerProblem('/notify/batch', 'POST', 200, answer)).toMatch(/additional properties/)
  })
})
