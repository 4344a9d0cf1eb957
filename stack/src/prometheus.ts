// Prometheus for `npm start -- --monitoring`: Debian's binary run by the supervisor with a config
// generated on every start, scraping each producer and consumer this stack started under its own
// instance name, and evaluating the repository's alert rules. Debian's service for the package
// (its unit, /etc/prometheus) is never used.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { REPO_ROOT } from './paths.js'
import { httpOk } from './probes.js'
import type { ServiceKind } from './services.js'
import type { ProcessSpec } from './supervisor.js'

/** The alert rules compose's Prometheus loads too. */
export const RULES_FILE = join(REPO_ROOT, 'monitoring', 'prometheus', 'herald-rules.yml')

export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 15

/** Said where Prometheus starts: the dashboard is not where a person might look for it. */
export const GRAFANA_NOTICE =
  "Grafana is not in Debian bookworm nor on npm or Maven, so herald's dashboard runs only under compose: docker compose --profile monitoring up (README › Operations › Dashboards)"

export interface ScrapeTarget {
  /** herald's instance name (producer-1, …): the `instance` label of its series. */
  name: string
  kind: ServiceKind
  /** host:port of its /metrics. */
  address: string
}

export interface PrometheusOptions {
  prometheus: string
  dir: string
  port: number
  targets: readonly ScrapeTarget[]
  /** How often targets are scraped and rules evaluated. */
  scrapeIntervalSeconds?: number
}

/**
 * The configuration, as JSON (which is YAML): jobs `producer` and `consumer`, one static target
 * per instance labelled with its name, so that a series says which process it came from rather
 * than a port that changes on every start.
 */
export function prometheusConfig(
  targets: readonly ScrapeTarget[],
  scrapeIntervalSeconds: number,
  rulesFile = RULES_FILE,
): string {
  const interval = `${scrapeIntervalSeconds}s`
  const job = (kind: ServiceKind) => ({
    job_name: kind,
    scrape_interval: interval,
    static_configs: targets
      .filter((target) => target.kind === kind)
      .map((target) => ({ targets: [target.address], labels: { instance: target.name } })),
  })
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: [rulesFile],
    scrape_configs: [job('producer'), job('consumer')],
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

export function prometheusProcess({
  prometheus,
  dir,
  port,
  targets,
  scrapeIntervalSeconds = DEFAULT_SCRAPE_INTERVAL_SECONDS,
}: PrometheusOptions): ProcessSpec {
  mkdirSync(join(dir, 'data'), { recursive: true })
  const configFile = join(dir, 'prometheus.yml')
  writeFileSync(configFile, prometheusConfig(targets, scrapeIntervalSeconds))
  return {
    name: 'prometheus',
    command: prometheus,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      // A developer's stack: a week of history is plenty, and keeps .herald/ from growing.
      '--storage.tsdb.retention.time=7d',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    logFile: join(dir, 'prometheus.log'),
    // Ready once the TSDB is open and the config (rules included) loaded.
    probe: () => httpOk(`http://127.0.0.1:${port}/-/ready`),
    readyTimeoutMs: 30_000,
  }
}
