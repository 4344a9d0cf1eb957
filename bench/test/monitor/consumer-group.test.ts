import { describe, expect, it } from 'vitest'

import { holdersOf, parseAssignment, parseGroupMembers } from '../../src/monitor/consumer-group.js'

describe('parseGroupMembers', () => {
  it('reads each member and its assignment from kafka-consumer-groups --members --verbose', () => {
    const output = [
      '',
      'GROUP            CONSUMER-ID                         HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT',
      'herald-consumers consumer-1-0b7d4d1e-1f0e-4c1d-9c7b  /127.0.0.1      consumer-1      3               herald.a(0),herald.b-c.d(0,1)',
      'herald-consumers consumer-2-4d2a6b5e-3c1f-4e55-8b0a  /127.0.0.1      consumer-2      0               -',
      '',
    ].join('\n')
    const members = parseGroupMembers(output)
    expect(members.map(({ clientId }) => clientId)).toEqual(['consumer-1', 'consumer-2'])
    expect(members[0]?.assignment).toEqual(
      new Map([
        ['herald.a', [0]],
        ['herald.b-c.d', [0, 1]],
      ]),
    )
    expect(members[1]?.assignment.size).toBe(0)
    expect(holdersOf(members, 'herald.b-c.d')).toEqual(['consumer-1'])
    expect(holdersOf(members, 'herald.z')).toEqual([])
  })

  it("reads Kafka 4's table, whose current assignment reads topic:partitions;…", () => {
    // As Kafka 4.2.2's tool printed it for herald's (classic) group.
    const output = [
      'GROUP            CONSUMER-ID                                     HOST            CLIENT-ID       #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT                TARGET-EPOCH    TARGET-ASSIGNMENT   ',
      'herald-consumers consumer-1-8cc4c425-5632-4b75-bacb-831bac4408bb /127.0.0.1      consumer-1      2               -               herald.probe-0:0;herald.probe-2:0 -               -                   ',
      'herald-consumers consumer-2-e9acb502-623e-4b2c-bba9-b5cbcc0c976b /127.0.0.1      consumer-2      2               -               herald.probe-1:0;herald.probe-3:0 -               -                   ',
    ].join('\n')
    const members = parseGroupMembers(output)
    expect(holdersOf(members, 'herald.probe-2')).toEqual(['consumer-1'])
    expect(holdersOf(members, 'herald.probe-3')).toEqual(['consumer-2'])
  })

  it('reads several partitions of one topic in either form', () => {
    expect(parseAssignment('a:0,1;b.c:2')).toEqual(
      new Map([
        ['a', [0, 1]],
        ['b.c', [2]],
      ]),
    )
    expect(parseAssignment('a:0;a:1')).toEqual(new Map([['a', [0, 1]]]))
    expect(parseAssignment('-').size).toBe(0)
  })

  it('finds no member in a message without the table', () => {
    expect(parseGroupMembers("Consumer group 'g' has no active members.")).toEqual([])
  })
})
