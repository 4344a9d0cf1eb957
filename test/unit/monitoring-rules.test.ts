// herald's alert rules checked by Prometheus' own tool: the file loads and every expression parses
// (promtool check rules), and each alert fires, and stays quiet, on the input series of
// herald-rules.test.yml (promtool test rules). Then what an operator needs of each alert.

import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const DIR = join(import.meta.dirname, '..', '..', 'monitoring', 'prometheus')
const RULES = join(DIR, 'herald-rules.yml')
const RULE_TESTS = join(DIR, 'herald-rules.test.yml')

interface Rule {
  alert?: string
  record?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

interface RuleTests {
  rule_files: string[]
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[]
}

const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups
  .flatMap((group) => group.rules)
  .filter((rule) => rule.alert !== undefined)

/** promtool's output with its status, so that a failure shows what promtool said. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' })
  if (run.error) throw run.error
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('monitoring/prometheus/herald-rules.yml', () => {
  it('passes promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', RULES)
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`)
    expect(status, output).toBe(0)
  })

  it('fires and stays quiet on the series of its promtool unit tests', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS)
    expect(status, output).toBe(0)
  })

  it('tests every alert both firing and not firing', () => {
    const tests = parse(readFileSync(RULE_TESTS, 'utf8')) as RuleTests
    expect(tests.rule_files).toEqual(['herald-rules.yml'])
    const cases = tests.tests.flatMap((test) => test.alert_rule_test ?? [])
    for (const { alert } of rules) {
      const own = cases.filter((c) => c.alertname === alert)
      expect(
        own.some((c) => c.exp_alerts.length > 0),
        `${alert} is tested firing`,
      ).toBe(true)
      expect(
        own.some((c) => c.exp_alerts.length === 0),
        `${alert} is tested quiet`,
      ).toBe(true)
    }
  })

  it('gives every alert a for, a severity, and a summary and description for the operator', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10)
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/)
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity)
      expect(rule.annotations?.summary, rule.alert).toBeTruthy()
      expect(rule.annotations?.description?.length, rule.alert).toBeGreaterThan(80)
    }
  })

  it('alerts on what issue 15 asks for: stalls, publish errors, dead letters, recoveries, down', () => {
    const expressions = rules.map((rule) => rule.expr).join('\n')
    for (const metric of [
      'herald_group_lag_records',
      'herald_records_consumed_total',
      'herald_kafka_produce_errors_total',
      'herald_records_dead_lettered_total',
      'herald_recoveries_total',
      'up{',
    ])
      expect(expressions).toContain(metric)
  })
})
