// The document against the app itself: every route the producer answers is in it with the
// methods it takes, and nothing in it is a route the app lacks. (The answers themselves are
// checked against it by the fuzz run on the real stack.)

import { describe, expect, it } from 'vitest'

import { createProducerApp } from '../src/app.js'
import { createProducerMetrics } from '../src/metrics.js'
import { OPENAPI_DOCUMENT } from '@herald/shared/openapi'
import { createServiceMetrics } from '@herald/shared/service'

interface Layer {
  route?: { path: string; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

/** `METHOD /path` of every route, nested routers included, in OpenAPI's `{param}` form. */
function routesOf(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route !== undefined) {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}')
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${path}`)
    }
    return layer.handle?.stack === undefined ? [] : routesOf(layer.handle.stack)
  })
}

describe('the OpenAPI document', () => {
  // The app is only walked, never called: its dependencies are never reached.
  const service = createServiceMetrics()
  const app = createProducerApp({
    publisher: {} as never,
    topics: { admin: {} as never, reader: {} as never },
    operator: {} as never,
    verifier: undefined,
    limits: {} as never,
    config: { access: { open: true } } as never,
    logger: {} as never,
    metrics: { service, producer: createProducerMetrics(service) },
    isDraining: () => false,
  })
  const routes = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack)
  // Per-instance health and metrics, answered on each producer's own port: not part of the :9000 API.
  const instanceOnly = ['GET /healthz', 'GET /readyz', 'GET /metrics']

  it('documents every route of the app, and only those', () => {
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(routes.filter((route) => !instanceOnly.includes(route)).sort()).toEqual(
      documented.sort(),
    )
  })

  it('is OpenAPI 3.1 and names every error code it documents', () => {
    expect(OPENAPI_DOCUMENT.openapi).toBe('3.1.0')
    const text = JSON.stringify(OPENAPI_DOCUMENT)
    for (const code of ['unauthorized', 'forbidden', 'rate_limited', 'kafka_unavailable']) {
      expect(text).toContain(code)
    }
  })
})
