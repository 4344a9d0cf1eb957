import { describe, expect, it } from 'vitest'

import { parseDeadLettersLimit, parseTopicsQuery } from '../src/admin-query.js'

describe('parseTopicsQuery', () => {
  it('defaults to the first 50 topics, all of them', () => {
    expect(parseTopicsQuery({})).toEqual({ search: '', limit: 50, offset: 0 })
  })

  it('takes a search, a limit up to 200 and any offset', () => {
    expect(parseTopicsQuery({ search: 'ord', limit: '200', offset: '400' })).toEqual({
      search: 'ord',
      limit: 200,
      offset: 400,
    })
  })

  it.each([
    [{ limit: '0' }, /limit/],
    [{ limit: '201' }, /limit/],
    [{ limit: '-1' }, /limit/],
    [{ limit: '1.5' }, /limit/],
    [{ limit: ['1', '2'] }, /limit/],
    [{ offset: 'x' }, /offset/],
    [{ search: ['a', 'b'] }, /search/],
    [{ search: 'x'.repeat(201) }, /search/],
  ])('refuses %o with 400 invalid_request', (query, message) => {
    let thrown: unknown
    try {
      parseTopicsQuery(query)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ status: 400, code: 'invalid_request' })
    expect((thrown as Error).message).toMatch(message)
  })
})

describe('parseDeadLettersLimit', () => {
  it('defaults to 20 and takes 1 to 100', () => {
    expect(parseDeadLettersLimit({})).toBe(20)
    expect(parseDeadLettersLimit({ limit: '100' })).toBe(100)
    expect(() => parseDeadLettersLimit({ limit: '101' })).toThrow(/limit/)
    expect(() => parseDeadLettersLimit({ limit: '0' })).toThrow(/limit/)
  })
})
