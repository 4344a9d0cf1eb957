// `npm start -- --monitoring` on the real stack: Debian's Prometheus scrapes every producer and
// consumer under its instance name, loads herald's alert rules, and every query of herald's
// Grafana dashboard evaluates, the ones on traffic with data after known traffic.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

import { getJson, postAccepted } from '../support/http.js'
import { connectSubscriber, subscribe, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const MONITORING = join(import.meta.dirname, '..', '..', 'monitoring')

const stack = useTestStack({
  producers: 2,
  consumers: 2,
  monitoring: { scrapeIntervalSeconds: 1 },
})

interface Answer<T> {
  status: 'success' | 'error'
  error?: string
  data: T
}

async function api<T>(path: string): Promise<Answer<T>> {
  const url = stack().prometheusUrl
  if (url === undefined) throw new Error('the stack runs no Prometheus')
  return (await getJson<Answer<T>>(`${url}${path}`)).body
}

type Vector = { resultType: string; result: { metric: Record<string, string>; value: unknown }[] }

/** A panel's query as Grafana sends it: `$__rate_interval` is at least 4 scrapes; 30 s here. */
function query(expr: string): Promise<Answer<Vector>> {
  const promql = expr.replaceAll('$__rate_interval', '30s')
  return api<Vector>(`/api/v1/query?query=${encodeURIComponent(promql)}`)
}

interface Panel {
  type: string
  title: string
  targets?: { expr: string }[]
}
const dashboard = JSON.parse(
  readFileSync(join(MONITORING, 'grafana', 'dashboards', 'herald.json'), 'utf8'),
) as { panels: Panel[] }
const expressions = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map(({ expr }) => ({ panel: panel.title, expr })),
)
const dashboardExpr = (metric: string): string => {
  const found = expressions.find(({ expr }) => expr.includes(metric))
  if (found === undefined) throw new Error(`no panel queries ${metric}`)
  return found.expr
}

/**
 * Metrics the dashboard and rules use that herald does not export yet (the group's lag,
 * rebalances, recoveries, limits and auth failures are being added), and ALERTS, which is empty
 * while nothing fires: their queries must evaluate, but may have no data.
 */
const MAY_BE_EMPTY = [
  'herald_group_lag_records',
  'herald_rebalances_total',
  'herald_rebalance_seconds_total',
  'herald_recoveries_total',
  'herald_records_replayed_total',
  'herald_limits_hit_total',
  'herald_auth_failures_total',
  // A process has GC series from its first collection of each kind: a young one may have none.
  'nodejs_gc_duration_seconds',
  'ALERTS',
]

describe('monitoring', () => {
  it('scrapes every producer and consumer, up, under its herald instance name', async () => {
    type Targets = {
      activeTargets: { labels: Record<string, string>; health: string; lastError: string }[]
    }
    const targets = await waitUntil(
      async () => {
        const { data } = await api<Targets>('/api/v1/targets?state=active')
        const up = data.activeTargets.filter((target) => target.health === 'up')
        return up.length === stack().instances.length && data.activeTargets
      },
      { timeoutMs: 20_000, what: 'every instance scraped and up' },
    )
    expect(targets.map(({ labels }) => [labels.job, labels.instance]).sort()).toEqual(
      stack()
        .instances.map(({ kind, name }) => [kind, name])
        .sort(),
    )
    expect(
      stack()
        .instances.map(({ name }) => name)
        .sort(),
    ).toEqual(['consumer-1', 'consumer-2', 'producer-1', 'producer-2'])
  })

  it('loads every rule group of herald-rules.yml, every rule evaluated healthy', async () => {
    const file = parse(
      readFileSync(join(MONITORING, 'prometheus', 'herald-rules.yml'), 'utf8'),
    ) as { groups: { name: string; rules: { alert: string }[] }[] }
    type Rules = {
      groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[]
    }
    // A rule's health is `unknown` until its first evaluation, a second after the start here.
    const groups = await waitUntil(
      async () => {
        const { data } = await api<Rules>('/api/v1/rules')
        const evaluated = data.groups.flatMap((group) => group.rules)
        return evaluated.every((rule) => rule.health !== 'unknown') && data.groups
      },
      { timeoutMs: 20_000, what: 'every rule evaluated once' },
    )
    const byName = (a: [string, string[]], b: [string, string[]]): number =>
      a[0].localeCompare(b[0])
    expect(
      groups
        .map(({ name, rules }): [string, string[]] => [name, rules.map((rule) => rule.name)])
        .sort(byName),
    ).toEqual(
      file.groups
        .map(({ name, rules }): [string, string[]] => [name, rules.map((rule) => rule.alert)])
        .sort(byName),
    )
    for (const rule of groups.flatMap((group) => group.rules))
      expect([rule.name, rule.health, rule.lastError ?? '']).toEqual([rule.name, 'ok', ''])
  })

  it("evaluates every query of the dashboard, with data for herald's metrics after traffic", async () => {
    const topic = uniqueTopic('monitoring')
    const consumers = stack().instances.filter((instance) => instance.kind === 'consumer')
    const sockets = await Promise.all(consumers.map(({ url }) => connectSubscriber(url)))
    for (const socket of sockets) await subscribe(socket, { topics: [topic] })
    const count = 10
    for (let i = 0; i < count; i += 1) await postAccepted(stack().url, { topic, message: i })
    for (const socket of sockets) await waitForMessages(socket, topic, count)

    // Scraped after the traffic: the rates of records published and of deliveries move.
    for (const metric of ['herald_records_published_total', 'herald_deliveries_total']) {
      await waitUntil(
        async () => {
          const { data } = await query(dashboardExpr(metric))
          return data.result.some(({ value }) => Number((value as [number, string])[1]) > 0)
        },
        { timeoutMs: 20_000, what: `${metric}'s panel to show traffic` },
      )
    }

    expect(expressions.length).toBeGreaterThan(20)
    for (const { panel, expr } of expressions) {
      const answer = await query(expr)
      expect([panel, expr, answer.status, answer.error]).toEqual([
        panel,
        expr,
        'success',
        undefined,
      ])
      if (!MAY_BE_EMPTY.some((metric) => expr.includes(metric)))
        expect(answer.data.result.length, `${panel}: ${expr} has data`).toBeGreaterThan(0)
    }
  })
})
