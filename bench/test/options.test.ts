import { describe, expect, it } from 'vitest'

import { parseBenchOptions, UsageError } from '../src/options.js'

const parse = (...args: string[]): ReturnType<typeof parseBenchOptions> =>
  parseBenchOptions(args, '/tmp/results')

describe('parseBenchOptions', () => {
  it('runs every scenario for 10 s on its own stacks by default', () => {
    const options = parse()
    expect(options.durationMs).toBe(10_000)
    expect(options.external).toBeUndefined()
    expect(options.producers).toEqual([2, 1, 4])
    expect(options.scenarios).toEqual([
      'ingest',
      'batch',
      'plain',
      'ceilings',
      'e2e',
      'topics',
      'fanout',
      'keys',
      'access',
      'paced',
      'soak',
    ])
    expect(options.cpuProf).toBe(false)
    expect(options.topicRates).toEqual([2, 10, 20])
    expect(options.churnMs).toBe(20_000)
    expect(options.topicCounts).toEqual([1000, 5000])
  })

  it('shortens everything with --quick, unless a duration is given', () => {
    expect(parse('--quick').durationMs).toBe(3000)
    expect(parse('--quick', '--duration', '5').durationMs).toBe(5000)
    expect(parse('--quick').topicCounts).toEqual([100, 300])
    expect(parse('--quick').churnMs).toBe(5000)
  })

  it("takes the topics scenario's rates, churn length and counts, counts in rising order", () => {
    const options = parse('--topic-rates', '5', '--churn-seconds', '8', '--topic-counts', '900,50')
    expect(options.topicRates).toEqual([5])
    expect(options.churnMs).toBe(8000)
    expect(options.topicCounts).toEqual([50, 900])
    expect(() => parse('--churn-seconds', '0')).toThrow(/--churn-seconds/)
    expect(() => parse('--topic-counts', '10,x')).toThrow(/--topic-counts/)
  })

  it("takes the keys scenario's subscribers, rate, contrast counts in rising order and reconnects", () => {
    expect(parse()).toMatchObject({
      keySubscribers: 10_000,
      keyRate: 1000,
      keyTopicCounts: [250, 500, 1000, 2000, 5000],
      keyReconnects: 5,
      keyReconnectOthers: 100_000,
    })
    const options = parse(
      '--key-subscribers',
      '500',
      '--key-rate',
      '200',
      '--key-topic-counts',
      '300,100',
      '--key-reconnects',
      '2',
      '--key-reconnect-others',
      '10000',
    )
    expect(options).toMatchObject({
      keySubscribers: 500,
      keyRate: 200,
      keyTopicCounts: [100, 300],
      keyReconnects: 2,
      keyReconnectOthers: 10_000,
    })
    expect(() => parse('--key-rate', '0')).toThrow(/--key-rate/)
  })

  it("takes the soak's minutes, 10 by default and 1 with --quick", () => {
    expect(parse().soakMinutes).toBe(10)
    expect(parse('--quick').soakMinutes).toBe(1)
    expect(parse('--soak-minutes', '3').soakMinutes).toBe(3)
    expect(() => parse('--soak-minutes', '0')).toThrow(/--soak-minutes/)
  })

  it("takes the consumers' write interval, 0 by default and 0 allowed", () => {
    expect(parse().writeIntervalMs).toBe(0)
    expect(parse('--write-interval', '50').writeIntervalMs).toBe(50)
    expect(parse('--write-interval', '0').writeIntervalMs).toBe(0)
    expect(() => parse('--write-interval', '1001')).toThrow(/--write-interval/)
    expect(() => parse('--write-interval', '-1')).toThrow(/--write-interval/)
  })

  it('steps the paced fan-out up through its rates, whatever order they are given in', () => {
    expect(parse().pacedRates).toEqual([10_000, 25_000, 50_000, 100_000, 200_000])
    expect(parse().pacedSubscribers).toEqual([1000, 10_000])
    expect(parse().pacedStepMs).toBe(10_000)
    const quick = parse('--quick')
    expect([quick.pacedRates, quick.pacedSubscribers, quick.pacedStepMs]).toEqual([
      [10_000, 50_000],
      [1000],
      3000,
    ])
    expect(parse('--paced-rates', '50000,5000').pacedRates).toEqual([5000, 50_000])
    expect(() => parse('--paced-seconds', '0')).toThrow(/--paced-seconds/)
  })

  it('says where the new-topics scenario went', () => {
    expect(() => parse('--scenarios', 'newtopics')).toThrow(/newtopics is now part of topics/)
  })

  it('uses a running stack given both its entry point and its Kafka', () => {
    const options = parse('--url', 'http://127.0.0.1:9000/', '--kafka', 'localhost:9092')
    expect(options.external).toEqual({
      url: 'http://127.0.0.1:9000',
      kafkaBrokers: ['localhost:9092'],
    })
  })

  it('refuses any target that is not on this machine', () => {
    expect(() => parse('--url', 'http://10.0.0.5:9000', '--kafka', '127.0.0.1:9092')).toThrow(
      /must be on this machine/,
    )
    expect(() => parse('--url', 'http://127.0.0.1:9000', '--kafka', 'kafka.example:9092')).toThrow(
      /must be on this machine/,
    )
    expect(() => parse('--url', 'http://127.0.0.1:9000')).toThrow(/go together/)
  })

  it('lists every problem at once', () => {
    let error: unknown
    try {
      parse('--duration', '0', '--scenarios', 'ingest,nope', '--speed', 'fast')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message.split('\n')).toHaveLength(3)
  })
})
