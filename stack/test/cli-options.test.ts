import { describe, expect, it } from 'vitest'

import { parseStartOptions, UsageError } from '../src/cli-options.js'

describe('parseStartOptions', () => {
  it('defaults to 2 producers, 2 consumers, :9000 and Kafka on 9092', () => {
    expect(parseStartOptions([], {})).toEqual({
      producers: 2,
      consumers: 2,
      port: 9000,
      kafkaPort: 9092,
      brokers: 1,
      monitoring: false,
      prometheusPort: 9090,
    })
  })

  it('reads flags like docker compose --scale, and ports from env', () => {
    expect(
      parseStartOptions(['--producers', '3', '--consumers', '1'], {
        HERALD_PORT: '9100',
        HERALD_KAFKA_PORT: '19092',
      }),
    ).toEqual({
      producers: 3,
      consumers: 1,
      port: 9100,
      kafkaPort: 19092,
      brokers: 1,
      monitoring: false,
      prometheusPort: 9090,
    })
  })

  it('runs a cluster of three brokers when asked', () => {
    expect(parseStartOptions(['--brokers', '3'], {}).brokers).toBe(3)
  })

  it('runs Prometheus when asked, on 9090, $HERALD_PROMETHEUS_PORT, or a free port for 0', () => {
    expect(parseStartOptions(['--monitoring'], {})).toMatchObject({
      monitoring: true,
      prometheusPort: 9090,
    })
    expect(
      parseStartOptions(['--monitoring'], { HERALD_PROMETHEUS_PORT: '19090' }).prometheusPort,
    ).toBe(19090)
    expect(parseStartOptions(['--monitoring', '--prometheus-port', '0'], {}).prometheusPort).toBe(0)
  })

  it('prefers a flag over the environment', () => {
    expect(parseStartOptions(['--port', '9200'], { HERALD_PORT: '9100' }).port).toBe(9200)
  })

  it.each([
    [['--producers', '0']],
    [['--consumers', 'two']],
    [['--port', '70000']],
    [['--replicas', '2']],
    [['--brokers', '2']],
    [['--prometheus-port', '9091']],
    [['--monitoring', '--prometheus-port', '-1']],
    [['--monitoring', 'yes']],
    [['extra']],
  ])('refuses %j', (args) => {
    expect(() => parseStartOptions(args, {})).toThrow(UsageError)
  })
})
