// The consumer group's lag from Kafka (GroupLagReader), looked up every interval and kept for
// /metrics, so that a scrape never waits on Kafka and many scrapes make no more requests.

import type { Logger } from '@herald/shared/service'

export interface GroupLagWatch {
  /** The last lag read, in records; 0 until the first read. */
  latest: () => number
  stop: () => void
}

export function watchGroupLag(
  read: () => Promise<bigint>,
  { intervalMs, logger }: { intervalMs: number; logger: Logger },
): GroupLagWatch {
  let latest = 0
  let failing = false
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const look = async (): Promise<void> => {
    try {
      latest = Number(await read())
      if (failing) logger.info('reading the consumer group lag again')
      failing = false
    } catch (error) {
      // Once per outage: Kafka being away is logged by the subscriber too.
      if (!failing)
        logger.warn({ err: error }, 'could not read the consumer group lag; keeping the last')
      failing = true
    }
    if (!stopped) timer = setTimeout(() => void look(), intervalMs).unref()
  }
  void look()

  return {
    latest: () => latest,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
