import { describe, expect, it } from 'vitest'

import { RefusalTally } from '../src/refusal-tally.js'

describe('RefusalTally', () => {
  it('counts auth failures and limits hit by code and caller, and nothing else', () => {
    const tally = new RefusalTally()
    tally.add('token_expired', 'token')
    tally.add('unauthorized', 'none')
    tally.add('too_many_topics', 'open')
    tally.add('too_many_topics', 'open')
    tally.add('kafka_unavailable', 'token')
    tally.add('invalid_subscription', 'token')
    expect(tally.counts()).toEqual([
      { kind: 'auth', code: 'token_expired', caller: 'token', count: 1 },
      { kind: 'auth', code: 'unauthorized', caller: 'none', count: 1 },
      { kind: 'limit', code: 'too_many_topics', caller: 'open', count: 2 },
    ])
  })
})
