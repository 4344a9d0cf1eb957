// One Prometheus registry per service process, served as text on its own `/metrics`. The process's
// own figures (CPU, memory, event-loop lag, garbage collection) come with it. No label ever takes a
// topic, a key, a token or a user: however many topics exist, a scrape has the same series.

import { collectDefaultMetrics, Registry } from 'prom-client'

/** Latency buckets, 1 ms to 5 s, for every herald histogram (a service may add longer ones). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]

export interface ServiceMetrics {
  registry: Registry
  /** The exposition text and its content type, for a `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}
