import { describe, expect, it } from 'vitest'

import { ConfigError, envReader } from '../src/env.js'

describe('envReader', () => {
  it('falls back to defaults for unset and blank variables', () => {
    const read = envReader({ BLANK: '  ' })
    expect(read.string('BLANK', 'default')).toBe('default')
    expect(read.int('MISSING', 7)).toBe(7)
    expect(read.list('MISSING', ['a'])).toEqual(['a'])
  })

  it('parses integers within range and comma lists', () => {
    const read = envReader({ PORT: '8080', HOSTS: ' a:1, ,b:2 ' })
    expect(read.int('PORT', 0, { min: 1, max: 65535 })).toBe(8080)
    expect(read.list('HOSTS', [])).toEqual(['a:1', 'b:2'])
    expect(read.finish({ ok: true })).toEqual({ ok: true })
  })

  it('reports every problem at once and freezes a good config', () => {
    const read = envReader({ A: 'x', B: '70000', C: '1.5' })
    read.int('A', 0)
    read.int('B', 0, { max: 65535 })
    read.int('C', 0)
    read.problem('D: custom check failed')
    try {
      read.finish({})
      expect.unreachable('finish should throw')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toHaveLength(4)
      expect((error as ConfigError).message).toContain('B="70000"')
    }
    expect(Object.isFrozen(envReader({}).finish({ a: 1 }))).toBe(true)
  })
})
