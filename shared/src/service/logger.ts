// One JSON-lines logger per process, named after the service instance.

import { pino, type Logger } from 'pino'

export type { Logger } from 'pino'

export function createLogger(instance: string, level: string): Logger {
  return pino({ name: instance, level })
}
