import { describe, expect, it } from 'vitest'

import { packageOf, summarizeProfile, type CpuProfile } from '../src/monitor/profile-summary.js'

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
})

describe('summarizeProfile', () => {
  // root → (idle), root → emit (socket.io) → encode (herald consumer), root → (garbage collector)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
      { id: 2, callFrame: frame('(idle)') },
      {
        id: 3,
        callFrame: frame('emit', 'file:///w/node_modules/socket.io/dist/broadcast-operator.js', 9),
        children: [4],
      },
      { id: 4, callFrame: frame('encode', 'file:///w/consumer/dist/broadcast.js', 41) },
      { id: 5, callFrame: frame('(garbage collector)') },
    ],
    // Each delta is the time (µs) before the sample at the same index.
    samples: [2, 3, 4, 4, 5, 2],
    timeDeltas: [5000, 1000, 2000, 3000, 4000, 5000],
  }

  it('charges self time to the sampled function, leaves idle out of the shares', () => {
    const summary = summarizeProfile(profile)
    expect(summary.idleMs).toBe(10)
    expect(summary.busyMs).toBe(10)
    expect(summary.functions).toEqual([
      { name: 'encode dist/broadcast.js:42', ms: 5, percent: 50 },
      { name: '(garbage collector)', ms: 4, percent: 40 },
      { name: 'emit dist/broadcast-operator.js:10', ms: 1, percent: 10 },
    ])
    expect(summary.packages.map((share) => [share.name, share.percent])).toEqual([
      ['herald consumer', 50],
      ['(garbage collector)', 40],
      ['socket.io', 10],
    ])
  })

  it('keeps only the busiest entries', () => {
    expect(summarizeProfile(profile, 1).functions).toHaveLength(1)
  })
})

describe('packageOf', () => {
  it('names scoped packages, Node core, herald workspaces and native code', () => {
    expect(packageOf('file:///a/node_modules/@socket.io/redis-adapter/dist/index.js', 'f')).toBe(
      '@socket.io/redis-adapter',
    )
    expect(packageOf('node:internal/streams/writable', 'write')).toBe('node core')
    expect(packageOf('file:///repo/shared/dist/kafka/publisher.js', 'send')).toBe('herald shared')
    expect(packageOf('', 'writev')).toBe('(native)')
    expect(packageOf('', '(program)')).toBe('(program)')
  })
})
