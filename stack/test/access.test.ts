import { describe, expect, it } from 'vitest'

import { ACCESS_VARS, defaultAccessEnv } from '../src/access.js'

describe('defaultAccessEnv', () => {
  it('runs open when no access setting is given anywhere', () => {
    expect(defaultAccessEnv({ PATH: '/bin' }, {})).toEqual({ HERALD_OPEN_ACCESS: 'true' })
  })

  it.each(ACCESS_VARS)('leaves access to the services once %s is given', (name) => {
    expect(defaultAccessEnv({}, { [name]: 'x' })).toEqual({})
    expect(defaultAccessEnv({ [name]: 'x' }, {})).toEqual({})
  })

  it('ignores a setting given empty', () => {
    expect(defaultAccessEnv({ HERALD_TOKEN_SECRET: '' })).toEqual({ HERALD_OPEN_ACCESS: 'true' })
  })
})
