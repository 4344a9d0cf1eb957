import { describe, expect, it } from 'vitest'

import { generateKey, hashKey, parsePublisherKeys } from '../../src/access/publisher-keys.js'

const KEY = 'hk_test_key_of_enough_length_01'

describe('parsePublisherKeys', () => {
  it('finds a key given in clear or as its hash, by the key itself', () => {
    const other = generateKey()
    const parsed = parsePublisherKeys(
      JSON.stringify([
        { name: 'billing', key: KEY, publish: ['orders.*'], createTopics: true },
        { name: 'mailer', sha256: hashKey(other), publish: ['mail'], publishRate: 50 },
      ]),
      'KEYS',
    )
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.keyring.identify(KEY)).toEqual({
      name: 'billing',
      publish: ['orders.*'],
      createTopics: true,
    })
    expect(parsed.keyring.identify(other)).toEqual({
      name: 'mailer',
      publish: ['mail'],
      createTopics: false,
      publishRate: 50,
    })
    expect(parsed.keyring.identify(hashKey(KEY))).toBeUndefined()
    expect(parsed.keyring.identify('hk_unknown')).toBeUndefined()
  })

  it('lists every problem, each naming its item', () => {
    const parsed = parsePublisherKeys(
      JSON.stringify([
        { name: 'a b', key: 'short', publish: [] },
        { name: 'x', key: KEY, sha256: hashKey(KEY), publish: ['t#k'], colour: 'red' },
        { name: 'y', key: KEY, publish: ['t'], createTopics: 'yes', publishRate: 0 },
      ]),
      'KEYS',
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.problems).toEqual([
      'KEYS[0]: name must be 1 to 64 characters of [A-Za-z0-9._-]',
      'KEYS[0]: key must be a string of at least 24 characters (npm run key makes one)',
      'KEYS[0]: publish must be a non-empty array of topics and patterns',
      'KEYS[1]: unknown field "colour" (allowed: name, key, sha256, publish, createTopics, publishRate)',
      'KEYS[1]: give exactly one of "key" (the key itself) and "sha256" (its hash)',
      'KEYS[1]: publish[0]: a publish grant is a topic or a pattern, not a keyed stream',
      'KEYS[2]: createTopics must be true or false',
      'KEYS[2]: publishRate must be a positive integer (notifications per second)',
    ])
  })

  it('refuses a name or a key configured twice', () => {
    const parsed = parsePublisherKeys(
      JSON.stringify([
        { name: 'y', key: KEY, publish: ['t'] },
        { name: 'y', sha256: hashKey(KEY), publish: ['t'] },
      ]),
      'KEYS',
    )
    expect(parsed).toEqual({
      ok: false,
      problems: ['KEYS[1]: name "y" used twice', 'KEYS[1]: the same key is configured twice'],
    })
  })

  it('refuses what is not a non-empty array', () => {
    expect(parsePublisherKeys('{', 'F')).toMatchObject({ ok: false })
    expect(parsePublisherKeys('[]', 'F')).toEqual({
      ok: false,
      problems: ['F: expected a non-empty JSON array of keys'],
    })
  })
})

describe('generateKey', () => {
  it('makes distinct, prefixed, URL-safe keys', () => {
    const keys = new Set(Array.from({ length: 100 }, generateKey))
    expect(keys.size).toBe(100)
    for (const key of keys) expect(key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/)
  })
})
