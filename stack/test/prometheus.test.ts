import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

import { prometheusConfig, RULES_FILE, type ScrapeTarget } from '../src/prometheus.js'

const TARGETS: ScrapeTarget[] = [
  { name: 'producer-1', kind: 'producer', address: '127.0.0.1:4001' },
  { name: 'consumer-1', kind: 'consumer', address: '127.0.0.1:4002' },
  { name: 'producer-2', kind: 'producer', address: '127.0.0.1:4003' },
]

interface Config {
  global: { scrape_interval: string; evaluation_interval: string }
  rule_files: string[]
  scrape_configs: {
    job_name: string
    static_configs: { targets: string[]; labels: Record<string, string> }[]
  }[]
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('prometheusConfig', () => {
  it('scrapes every instance in its job, labelled with its herald name', () => {
    const config = JSON.parse(prometheusConfig(TARGETS, 15)) as Config
    expect(config.scrape_configs.map((job) => [job.job_name, job.static_configs])).toEqual([
      [
        'producer',
        [
          { targets: ['127.0.0.1:4001'], labels: { instance: 'producer-1' } },
          { targets: ['127.0.0.1:4003'], labels: { instance: 'producer-2' } },
        ],
      ],
      ['consumer', [{ targets: ['127.0.0.1:4002'], labels: { instance: 'consumer-1' } }]],
    ])
    expect(config.rule_files).toEqual([RULES_FILE])
  })

  it('scrapes and evaluates the rules at the interval given', () => {
    const config = JSON.parse(prometheusConfig(TARGETS, 1)) as Config
    expect(config.global).toEqual({ scrape_interval: '1s', evaluation_interval: '1s' })
  })

  it("passes promtool's check, the rules it loads included", () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-prometheus-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(TARGETS, 15))
    const output = execFileSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
      encoding: 'utf8',
    })
    expect(output).toContain('SUCCESS')
    expect(output).toMatch(/SUCCESS: \d+ rules found/)
  })
})
