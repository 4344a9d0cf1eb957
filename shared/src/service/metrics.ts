// One Prometheus registry per service process, served as text on its own `/metrics`. The process's
// own figures (CPU, memory, event-loop lag, garbage collection) come with it. No label ever takes a
// topic, a key, a token or a user: however many topics exist, a scrape has the same series.

import { collectDefaultMetrics, Registry } from 'prom-client'

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
