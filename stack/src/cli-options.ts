// The start command's options: flags mirror `docker compose up --scale`, env gives defaults.

import { parseArgs } from 'node:util'

export interface StartOptions {
  producers: number
  consumers: number
  port: number
  kafkaPort: number
  brokers: number
  /** Whether to run Prometheus too, and on which port (0: a free one). */
  monitoring: boolean
  prometheusPort: number
}

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export const USAGE = `usage: npm start -- [--producers N] [--consumers M] [--brokers B] [--port P] [--kafka-port K]
                    [--monitoring [--prometheus-port Q]]

  --producers N    producer instances (default 2)
  --consumers M    consumer instances (default 2)
  --brokers B      Kafka brokers, 1 or 3 (default 1); 3 keep three replicas of every topic,
                   two in sync to acknowledge a write, so one broker may die
  --port P         the entry point's port (default $HERALD_PORT or 9000)
  --kafka-port K   the first Kafka broker's port on 127.0.0.1 (default $HERALD_KAFKA_PORT or 9092)
  --monitoring     run Prometheus too, scraping every instance and evaluating herald's alert
                   rules (Grafana and the dashboard run only under compose: README › Operations)
  --prometheus-port Q
                   with --monitoring: Prometheus' port on 127.0.0.1, 0 for a free one
                   (default $HERALD_PROMETHEUS_PORT or 9090)`

export function parseStartOptions(args: readonly string[], env: NodeJS.ProcessEnv): StartOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      options: {
        producers: { type: 'string' },
        consumers: { type: 'string' },
        brokers: { type: 'string' },
        port: { type: 'string' },
        'kafka-port': { type: 'string' },
        monitoring: { type: 'boolean' },
        'prometheus-port': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values['prometheus-port'] !== undefined && values.monitoring !== true) {
    throw new UsageError('--prometheus-port needs --monitoring')
  }
  const brokers = values.brokers ?? '1'
  // Two brokers are no better than one: a quorum of two controllers stops when either dies.
  if (brokers !== '1' && brokers !== '3') {
    throw new UsageError(`--brokers must be 1 or 3 (got ${JSON.stringify(brokers)})`)
  }
  return {
    producers: integer('--producers', values.producers ?? '2', 1, 32),
    consumers: integer('--consumers', values.consumers ?? '2', 1, 32),
    port: integer('--port', values.port ?? env.HERALD_PORT ?? '9000', 1, 65535),
    kafkaPort: integer(
      '--kafka-port',
      values['kafka-port'] ?? env.HERALD_KAFKA_PORT ?? '9092',
      1,
      65535,
    ),
    brokers: Number(brokers),
    monitoring: values.monitoring ?? false,
    prometheusPort: integer(
      '--prometheus-port',
      values['prometheus-port'] ?? env.HERALD_PROMETHEUS_PORT ?? '9090',
      0,
      65535,
    ),
  }
}

function integer(flag: string, value: string, min: number, max: number): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(
      `${flag} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`,
    )
  }
  return parsed
}
