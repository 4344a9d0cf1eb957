import { describe, expect, it } from 'vitest'

import { assignPartitions } from '../../src/kafka/assigner.js'

const plain = (assignment: ReturnType<typeof assignPartitions>) =>
  Object.fromEntries(
    [...assignment].map(([member, topics]) => [member, Object.fromEntries(topics)]),
  )

describe('assignPartitions', () => {
  it('spreads partitions evenly over members subscribed to the same topics', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', ['t1', 't2']],
        ['b', ['t1', 't2']],
      ]),
      new Map([
        ['t1', [0, 1, 2]],
        ['t2', [0, 1, 2]],
      ]),
    )
    expect(plain(assignment)).toEqual({ a: { t1: [0, 2], t2: [1] }, b: { t1: [1], t2: [0, 2] } })
  })

  it('gives a topic only to the members subscribed to it', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', ['old', 'new']],
        ['b', ['old']],
      ]),
      new Map([
        ['old', [0, 1]],
        ['new', [0, 1, 2]],
      ]),
    )
    expect(plain(assignment)).toEqual({ a: { new: [0, 1, 2] }, b: { old: [0, 1] } })
  })

  it('assigns every partition exactly once', () => {
    const members = new Map([
      ['m1', ['x', 'y', 'z']],
      ['m2', ['x', 'z']],
      ['m3', ['y']],
    ])
    const topics = new Map([
      ['x', [0, 1, 2, 3]],
      ['y', [0, 1]],
      ['z', [0, 1, 2]],
    ])
    const assigned = [...assignPartitions(members, topics).values()].flatMap((byTopic) =>
      [...byTopic].flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)),
    )
    expect(assigned.sort()).toEqual(
      [...topics].flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)).sort(),
    )
  })

  it('leaves a topic nobody subscribed to unassigned, and members without work empty', () => {
    const assignment = assignPartitions(new Map([['a', []]]), new Map([['t', [0]]]))
    expect(plain(assignment)).toEqual({ a: {} })
  })
})
