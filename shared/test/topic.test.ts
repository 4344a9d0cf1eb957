import { describe, expect, it } from 'vitest'

import { isValidTopic, topicProblem } from '../src/topic.js'

describe('topicProblem', () => {
  it.each(['orders', 'a', 'Orders.EU-west_1', '...', '.hidden', 'x'.repeat(200), '_single'])(
    'accepts %s',
    (topic) => {
      expect(topicProblem(topic)).toBeUndefined()
      expect(isValidTopic(topic)).toBe(true)
    },
  )

  it.each([
    [42, 'must be a string'],
    [undefined, 'must be a string'],
    ['', 'must not be empty'],
    ['x'.repeat(201), 'at most 200 characters'],
    ['has space', 'may only contain'],
    ['slash/topic', 'may only contain'],
    ['émoji', 'may only contain'],
    ['.', 'must not be "." or ".."'],
    ['..', 'must not be "." or ".."'],
    ['__consumer_offsets', 'reserved for Kafka'],
  ])('refuses %j: %s', (topic, problem) => {
    expect(topicProblem(topic)).toContain(problem)
    expect(isValidTopic(topic)).toBe(false)
  })
})
