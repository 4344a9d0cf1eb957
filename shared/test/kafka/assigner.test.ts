import { describe, expect, it } from 'vitest'

import { assignPartitions, type MemberSubscription } from '../../src/kafka/assigner.js'

const plain = (assignment: ReturnType<typeof assignPartitions>) =>
  Object.fromEntries(
    [...assignment].map(([member, topics]) => [member, Object.fromEntries(topics)]),
  )

function member(
  topics: string[],
  owned: Record<string, number[]> = {},
  { generation = 1, arriving = false } = {},
): MemberSubscription {
  return { topics, owned: new Map(Object.entries(owned)), generation, arriving }
}

describe('assignPartitions', () => {
  it('spreads the partitions of a first assignment evenly over the members', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', member(['t1', 't2'], {}, { arriving: true })],
        ['b', member(['t1', 't2'], {}, { arriving: true })],
      ]),
      new Map([
        ['t1', 3],
        ['t2', 3],
      ]),
    )
    expect(plain(assignment)).toEqual({ a: { t1: [0, 2], t2: [1] }, b: { t1: [1], t2: [0, 2] } })
  })

  it('never moves an owned partition when a topic joins, however uneven the load', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', member(['old', 'new'], { old: [0, 1, 2] })],
        ['b', member(['old', 'new'], {})],
      ]),
      new Map([
        ['old', 3],
        ['new', 2],
      ]),
    )
    expect(plain(assignment)).toEqual({ a: { old: [0, 1, 2] }, b: { new: [0, 1] } })
  })

  it('gives a new topic only to the members subscribed to it, even a busy one', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', member(['old', 'new'], { old: [0] })],
        ['b', member(['old'], { old: [1] })],
      ]),
      new Map([
        ['old', 2],
        ['new', 1],
      ]),
    )
    expect(plain(assignment)).toEqual({ a: { old: [0], new: [0] }, b: { old: [1] } })
  })

  it('lets an arriving member take load: owners over their share release the surplus', () => {
    const members = new Map([
      ['a', member(['t'], { t: [0, 1, 2, 3] })],
      ['b', member(['t'], {}, { generation: -1, arriving: true })],
    ])
    // Released, not handed over in the same round: the cooperative protocol revokes first.
    expect(plain(assignPartitions(members, new Map([['t', 4]])))).toEqual({
      a: { t: [0, 1] },
      b: {},
    })
    // The next round, nobody is arriving: the released partitions go to the least loaded.
    const next = new Map([
      ['a', member(['t'], { t: [0, 1] }, { generation: 2 })],
      ['b', member(['t'], {}, { generation: -1 })],
    ])
    expect(plain(assignPartitions(next, new Map([['t', 4]])))).toEqual({
      a: { t: [0, 1] },
      b: { t: [2, 3] },
    })
  })

  it('settles a partition two members claim on the newer generation', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', member(['t'], { t: [0] }, { generation: 3 })],
        ['b', member(['t'], { t: [0] }, { generation: 5 })],
      ]),
      new Map([['t', 1]]),
    )
    expect(plain(assignment)).toEqual({ a: {}, b: { t: [0] } })
  })

  it('drops claims on topics a member left and on partitions that no longer exist', () => {
    const assignment = assignPartitions(
      new Map([
        ['a', member(['kept'], { kept: [0, 5], gone: [0] })],
        ['b', member(['kept', 'gone'], {})],
      ]),
      new Map([
        ['kept', 1],
        ['gone', 1],
      ]),
    )
    expect(plain(assignment)).toEqual({ a: { kept: [0] }, b: { gone: [0] } })
  })

  it('assigns every partition exactly once', () => {
    const members = new Map([
      ['m1', member(['x', 'y', 'z'], { x: [0] })],
      ['m2', member(['x', 'z'], { z: [2] })],
      ['m3', member(['y'])],
    ])
    const topics = new Map([
      ['x', 4],
      ['y', 2],
      ['z', 3],
    ])
    const assigned = [...assignPartitions(members, topics).values()].flatMap((byTopic) =>
      [...byTopic].flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)),
    )
    expect(assigned.sort()).toEqual(
      [...topics]
        .flatMap(([topic, count]) => Array.from({ length: count }, (_, p) => `${topic}:${p}`))
        .sort(),
    )
  })

  it('leaves a topic nobody subscribed to unassigned, and members without work empty', () => {
    const assignment = assignPartitions(new Map([['a', member([])]]), new Map([['t', 1]]))
    expect(plain(assignment)).toEqual({ a: {} })
  })
})
