import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'

import {
  decodeInstanceStatus,
  encodeInstanceStatus,
  readInstances,
  RegistryUnavailableError,
  reportInstance,
  type ConsumerStatus,
  type ProducerStatus,
} from '../../src/service/instance-registry.js'

afterEach(() => {
  vi.useRealTimers()
})

const producer: ProducerStatus = {
  name: 'producer-1',
  role: 'producer',
  ready: true,
  startedAt: 1_000,
  seenAt: 5_000,
  rssBytes: 50e6,
  heapUsedBytes: 20e6,
  reportMs: 2000,
}
const consumer: ConsumerStatus = {
  ...producer,
  name: 'consumer-1',
  role: 'consumer',
  connections: 3,
  subscriptions: 4,
  topics: 2,
  partitions: 5,
  lagRecords: 0,
  paused: null,
  behind: false,
  deadLetters: 1,
  slowConsumersCut: 0,
  held: ['orders:0', 'orders:1'],
}

describe('instance statuses', () => {
  it('decode what they encode, for both roles', () => {
    expect(decodeInstanceStatus(encodeInstanceStatus(producer))).toEqual(producer)
    expect(decodeInstanceStatus(encodeInstanceStatus(consumer))).toEqual(consumer)
  })

  it.each([
    ['not JSON', '{'],
    ['not an object', '7'],
    ['without a name', JSON.stringify({ ...producer, name: 1 })],
    ['of an unknown role', JSON.stringify({ ...producer, role: 'broker' })],
    ['with a base figure missing', JSON.stringify({ ...producer, seenAt: undefined })],
    ['a consumer without its figures', JSON.stringify({ ...producer, role: 'consumer' })],
    ['a consumer paused for no known cause', JSON.stringify({ ...consumer, paused: 'x' })],
    ['a consumer whose held is not strings', JSON.stringify({ ...consumer, held: [1] })],
  ])('are refused when %s', (_label, text) => {
    expect(decodeInstanceStatus(text)).toBeUndefined()
  })
})

describe('reportInstance', () => {
  it('writes its status at once and every interval with an expiry of three, and deletes it on stop', async () => {
    vi.useFakeTimers({ now: 10_000 })
    const set = vi.fn(() => Promise.resolve('OK' as const))
    const del = vi.fn(() => Promise.resolve(1))
    const reporter = reportInstance(
      { set, del },
      {
        name: 'consumer-1',
        intervalMs: 2000,
        status: () => ({ ...consumer, name: undefined }) as never,
        logger: pino({ level: 'silent' }),
      },
    )
    expect(set).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(4000)
    expect(set).toHaveBeenCalledTimes(3)
    const [key, text, px, ttl] = set.mock.calls.at(-1) as unknown as [
      string,
      string,
      string,
      number,
    ]
    expect([key, px, ttl]).toEqual(['herald:instance:consumer-1', 'PX', 6000])
    expect(decodeInstanceStatus(text)).toMatchObject({
      name: 'consumer-1',
      startedAt: 10_000,
      seenAt: 14_000,
      reportMs: 2000,
      held: ['orders:0', 'orders:1'],
    })
    await reporter.stop()
    expect(del).toHaveBeenCalledWith('herald:instance:consumer-1')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(set).toHaveBeenCalledTimes(3)
  })

  it('keeps reporting through a Redis failure, warning once', async () => {
    vi.useFakeTimers()
    const set = vi
      .fn()
      .mockRejectedValueOnce(new Error('away'))
      .mockRejectedValueOnce(new Error('away'))
      .mockResolvedValue('OK')
    const logger = pino({ level: 'silent' })
    const warn = vi.spyOn(logger, 'warn')
    const reporter = reportInstance(
      { set, del: () => Promise.resolve(1) },
      {
        name: 'p',
        intervalMs: 1000,
        status: () => ({ role: 'producer', ready: true }),
        logger,
      },
    )
    await vi.advanceTimersByTimeAsync(2000)
    expect(set).toHaveBeenCalledTimes(3)
    expect(warn).toHaveBeenCalledOnce()
    await reporter.stop()
  })
})

describe('readInstances', () => {
  it('scans every key, drops malformed ones, and sorts by role then name', async () => {
    const values: Record<string, string> = {
      'herald:instance:producer-1': encodeInstanceStatus(producer),
      'herald:instance:consumer-2': encodeInstanceStatus({ ...consumer, name: 'consumer-2' }),
      'herald:instance:consumer-1': encodeInstanceStatus(consumer),
      // A key Redis still holds is alive, whatever its writer's clock said.
      'herald:instance:skewed': encodeInstanceStatus({ ...consumer, name: 'skewed', seenAt: 0 }),
      'herald:instance:bad': 'nope',
    }
    const keys = Object.keys(values)
    const scan = vi
      .fn()
      .mockResolvedValueOnce(['7', keys.slice(0, 3)])
      .mockResolvedValueOnce(['0', [...keys.slice(2), 'herald:instance:gone']])
    const mget = vi.fn((...asked: string[]) => Promise.resolve(asked.map((k) => values[k] ?? null)))
    const instances = await readInstances({ scan, mget } as never)
    expect(instances.map(({ name }) => name)).toEqual([
      'consumer-1',
      'consumer-2',
      'skewed',
      'producer-1',
    ])
    expect(scan).toHaveBeenCalledWith('7', 'MATCH', 'herald:instance:*', 'COUNT', 100)
  })

  it('reads nothing more when no instance reported', async () => {
    const mget = vi.fn()
    expect(await readInstances({ scan: () => Promise.resolve(['0', []]), mget } as never)).toEqual(
      [],
    )
    expect(mget).not.toHaveBeenCalled()
  })

  it('fails with RegistryUnavailableError when Redis fails or does not answer in time', async () => {
    const failing = { scan: () => Promise.reject(new Error('Connection is closed.')) }
    await expect(readInstances(failing as never)).rejects.toThrow(
      new RegistryUnavailableError('Redis failed: Connection is closed.'),
    )
    vi.useFakeTimers()
    const stalled = readInstances({ scan: () => new Promise(() => {}) } as never, 500)
    const outcome = expect(stalled).rejects.toThrow(
      new RegistryUnavailableError('Redis did not answer within 500 ms'),
    )
    await vi.advanceTimersByTimeAsync(500)
    await outcome
  })
})
