import { describe, expect, it } from 'vitest'

import { summarizeToken, tokenFromFragment } from '../page-token'

const encode = (value: object): string =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

describe('tokenFromFragment', () => {
  it('takes the token out of the fragment and keeps the rest', () => {
    expect(tokenFromFragment('#token=abc.def.ghi')).toEqual({ token: 'abc.def.ghi', hash: '' })
    expect(tokenFromFragment('#view=compact&token=abc')).toEqual({
      token: 'abc',
      hash: '#view=compact',
    })
  })

  it('finds none in an empty or unrelated fragment', () => {
    expect(tokenFromFragment('')).toEqual({ token: undefined, hash: '' })
    expect(tokenFromFragment('#token=')).toEqual({ token: undefined, hash: '' })
    expect(tokenFromFragment('#section')).toEqual({ token: undefined, hash: '#section' })
  })
})

describe('summarizeToken', () => {
  it('reads the subject, the watch claim and the expiry', () => {
    const token = `${encode({ alg: 'HS256' })}.${encode({ sub: 'user-42', watch: ['orders#user-42', 1], exp: 1_800_000_000, note: 'é' })}.sig`
    expect(summarizeToken(token)).toEqual({
      subject: 'user-42',
      watch: ['orders#user-42'],
      expiresAt: 1_800_000_000_000,
      admin: false,
    })
  })

  it('reads the admin claim, and only `true` as admin', () => {
    const claims = (admin: unknown) =>
      `${encode({ alg: 'HS256' })}.${encode({ sub: 'ops', admin })}.sig`
    expect(summarizeToken(claims(true))?.admin).toBe(true)
    expect(summarizeToken(claims('true'))?.admin).toBe(false)
  })

  it('is undefined for what is not a JWT', () => {
    expect(summarizeToken('nonsense')).toBeUndefined()
    expect(summarizeToken('a.!!!.c')).toBeUndefined()
  })
})
