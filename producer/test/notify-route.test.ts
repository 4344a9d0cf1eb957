import { describe, expect, it } from 'vitest'

import { isJsonMediaType } from '../src/notify-route.js'

describe('isJsonMediaType', () => {
  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/cloudevents+json',
  ])('accepts %s', (type) => expect(isJsonMediaType(type)).toBe(true))

  it.each([
    undefined,
    '',
    'text/plain',
    'application/jsonx',
    'text/json',
    'application/x-www-form-urlencoded',
  ])('refuses %j', (type) => expect(isJsonMediaType(type)).toBe(false))
})
