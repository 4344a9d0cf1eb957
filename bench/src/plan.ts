// The order of a run: a stack with the first producer count runs every scenario; a stack per other
// producer count runs ingest alone. Each scenario that fails is recorded and the run goes on.

import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import { describeMachine } from './machine.js'
import { serverMicrosPerOperation } from './monitor/cpu-sampler.js'
import type { BenchOptions } from './options.js'
import { BENCH_DATA_ROOT } from './paths.js'
import type { BenchRun, ScenarioResult } from './result.js'
import { startBaseline } from './scenarios/baseline-server.js'
import { httpCeilingBehindNginx, httpCeilingDirect, kafkaCeiling } from './scenarios/ceilings.js'
import type { ScenarioContext } from './scenarios/context.js'
import { endToEnd } from './scenarios/end-to-end.js'
import { fanout } from './scenarios/fanout.js'
import { bareFanoutTarget, heraldFanoutTarget } from './scenarios/fanout-targets.js'
import { batchPublish, heraldIngest, PLAIN_ID, plainDesign } from './scenarios/ingest.js'
import {
  keyedFanout,
  keyedReconnect,
  servedWell,
  topicPerSubscriber,
} from './scenarios/keyed-streams.js'
import { pacedFanout } from './scenarios/paced-fanout.js'
import { soak } from './scenarios/soak.js'
import { consumerHandover, topicChurn, topicScale } from './scenarios/topics.js'
import { warmUpStack } from './scenarios/warm-up.js'
import { formatCount, formatMs } from './report/format.js'
import { PACED_GROUP } from './report/paced-table.js'
import { consumersCaughtUp } from './targets/caught-up.js'
import { runningStack, startHeraldStack, type HeraldTarget } from './targets/herald-stack.js'
import { KAFKA_VERSION } from '@herald/stack'

/**
 * The windowed fan-out through nginx only up to here, to keep a full run's length: larger N
 * connect to the consumers directly. The paced fan-out takes 10,000 through nginx (its 24,000
 * connections per worker; 10,000 failed at 10,000 per worker, 2026-11-23).
 */
const NGINX_FANOUT_LIMIT = 2000

/** The keys scenario's latency target (issue 11): the contrast steps stop past it. */
const KEYS_P99_TARGET_MS = 50

export interface BenchRunner {
  run(): Promise<BenchRun>
  /** Stops whatever stack is running (Ctrl-C). */
  abort(): Promise<void>
}

export function benchRunner(options: BenchOptions, commandLine: string): BenchRunner {
  const progress = (line: string): void => {
    process.stdout.write(`${line}\n`)
  }
  const workDir = join(BENCH_DATA_ROOT, 'work')
  mkdirSync(workDir, { recursive: true })
  const profilesDir = join(options.outDir, 'profiles')
  if (options.cpuProf) {
    // The summary reads every profile in the folder: only this run's may be there.
    rmSync(profilesDir, { recursive: true, force: true })
    mkdirSync(profilesDir, { recursive: true })
  }
  const context: ScenarioContext = {
    options,
    profileArgs: options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profilesDir] : [],
    profilesDir,
    workDir,
    progress,
  }
  const run: BenchRun = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    commandLine,
    options,
    machine: describeMachine(KAFKA_VERSION),
    stacks: [],
    results: [],
    failures: [],
  }
  let current: HeraldTarget | undefined
  const wants = (name: BenchOptions['scenarios'][number]): boolean =>
    options.scenarios.includes(name)

  /** Runs one scenario step and records its rows or its failure; true when it succeeded. */
  async function step(
    label: string,
    work: () => Promise<ScenarioResult | ScenarioResult[]>,
  ): Promise<boolean> {
    progress(`bench ▸ ${label}…`)
    try {
      if (current !== undefined) await consumersCaughtUp(current, progress)
      for (const result of [await work()].flat()) {
        if (result.cpu !== undefined) {
          result.serverCpuMicros = serverMicrosPerOperation(result.cpu, result.throughput)
        }
        run.results.push(result)
        progress(`bench ▸ ${result.label}: ${summaryOf(result)}`)
      }
      return true
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      run.failures.push({ scenario: label, error: message.split('\n', 1)[0] ?? message })
      progress(`bench ! ${label} failed: ${message}`)
      return false
    }
  }

  async function everything(target: HeraldTarget, producers: number | undefined): Promise<void> {
    if (wants('ingest'))
      await step(`ingest, ${target.label}`, () => heraldIngest(context, target, producers))
    if (wants('batch')) await step('batch publish', () => batchPublish(context, target))
    if (wants('plain')) await step('plain design', () => plainDesign(context, target))
    if (wants('ceilings')) {
      await step('ceiling: HTTP without Kafka, direct', () => httpCeilingDirect(context))
      const instances = producers ?? 2
      await step(`ceiling: HTTP without Kafka, nginx → ${instances}`, () =>
        httpCeilingBehindNginx(context, instances),
      )
      await step('ceiling: kafkajs batches', () => kafkaCeiling(context, target))
    }
    if (wants('e2e')) {
      for (const rate of options.rates) {
        await step(`end to end @ ${formatCount(rate)}/s`, () => endToEnd(context, target, rate))
      }
    }
    if (wants('topics')) await topicSteps(target)
    if (wants('fanout')) await fanouts(target)
    if (wants('keys')) await keySteps(target)
    if (wants('paced')) await pacedSteps(target)
    // Last: minutes long, and what it judges is how memory moves, not where it starts.
    if (wants('soak')) await step('soak', () => soak(context, target))
  }

  async function keySteps(target: HeraldTarget): Promise<void> {
    const run = Date.now().toString(36)
    const subscribers = options.keySubscribers
    await step(`keys: ${formatCount(subscribers)} keyed subscribers of one topic`, () =>
      keyedFanout(context, target, { kind: 'keys', topic: `bench-keys-${run}` }, subscribers),
    )
    // The contrast before the reconnects: their 100,000s of records keep the consumers busy for
    // many seconds after (run first, they cost a 250-topic step its 50 ms p99). Counts rise until
    // one is not served (a loss, or p99 over the keyed target's 50 ms).
    const prefix = `bench-keys-${run}-t`
    let made = 0
    let served = true
    for (const count of options.keyTopicCounts) {
      if (!served) break
      served = false
      await step(`keys: a topic per subscriber, ${formatCount(count)}`, async () => {
        await topicPerSubscriber(context, target, { prefix, made, count })
        made = count
        const result = await keyedFanout(context, target, { kind: 'topics', prefix, count }, count)
        served = servedWell(result, KEYS_P99_TARGET_MS)
        return result
      })
    }
    await step('keys: a keyed subscriber reconnects', () =>
      keyedReconnect(context, target, `bench-keys-${run}-reconnect`),
    )
  }

  async function pacedSteps(target: HeraldTarget): Promise<void> {
    // Through nginx first, then straight to the consumers for contrast, at each count in turn.
    const paths =
      target.consumerOrigins.length > 0 ? (['nginx', 'direct'] as const) : (['entry'] as const)
    for (const subscribers of options.pacedSubscribers) {
      for (const path of paths) {
        await step(`paced fan-out to ${formatCount(subscribers)}, ${path}`, () =>
          pacedFanout(context, heraldFanoutTarget(target, path), subscribers),
        )
      }
    }
  }

  async function topicSteps(target: HeraldTarget): Promise<void> {
    // The stream alone first: what the churn steps' figures are read against.
    for (const [index, rate] of [0, ...options.topicRates].entries()) {
      const label = rate === 0 ? 'no new topics' : `${rate} new topics/s`
      await step(`${label} while a topic streams at 50/s`, () =>
        topicChurn(context, target, rate, index),
      )
    }
    const prefix = `bench-scale-${Date.now().toString(36)}`
    for (const count of options.topicCounts) {
      const scaled = await step(`${formatCount(count)} topics existing`, () =>
        topicScale(context, target, prefix, count),
      )
      if (scaled) {
        await step(`${formatCount(count)} topics: SIGTERM to a consumer`, () =>
          consumerHandover(context, target, prefix, count),
        )
      }
    }
  }

  async function fanouts(target: HeraldTarget): Promise<void> {
    // Larger N after smaller, each path in turn: the consumers' RSS only grows, so memory per
    // connection is read against the peak the previous run left.
    const direct = target.consumerOrigins.length > 0
    for (const subscribers of options.fanout) {
      await step(`herald fan-out to ${formatCount(subscribers)}`, () =>
        fanout(context, heraldFanoutTarget(target, direct ? 'direct' : 'entry'), subscribers),
      )
    }
    for (const subscribers of options.fanout.filter((n) => direct && n <= NGINX_FANOUT_LIMIT)) {
      await step(`herald fan-out to ${formatCount(subscribers)} through nginx`, () =>
        fanout(context, heraldFanoutTarget(target, 'nginx'), subscribers),
      )
    }
    for (const subscribers of options.fanout) {
      await step(`bare Socket.IO fan-out to ${formatCount(subscribers)}`, async () => {
        const server = await startBaseline({ baseline: 'bare-socketio' }, 'bare-socketio', context)
        try {
          return await fanout(context, bareFanoutTarget(server), subscribers)
        } finally {
          await server.stop()
        }
      })
    }
  }

  /** Ingest and fan-out again on a stack with keys and tokens on: auth's cost, same run. */
  async function accessSteps(producers: number): Promise<void> {
    progress(`bench ▸ starting a stack with keys on: ${producers} producers`)
    const keyed = await startHeraldStack(options, producers, profilesDir, { keys: true })
    current = keyed
    run.stacks.push(keyed.description)
    try {
      await warmUpStack(context, keyed.url, keyed.credentials?.publisherKey)
      await step(`ingest, ${keyed.label}`, () => heraldIngest(context, keyed, producers))
      // The same steps in the same order as on the open stack: a consumer's first fan-out runs
      // colder than the next (its JIT), and that alone moved a through-nginx figure by a fifth.
      for (const subscribers of options.fanout) {
        await step(`herald fan-out to ${formatCount(subscribers)}, keys on`, () =>
          fanout(context, heraldFanoutTarget(keyed, 'direct'), subscribers),
        )
      }
      for (const subscribers of options.fanout.filter((n) => n <= NGINX_FANOUT_LIMIT)) {
        await step(`herald fan-out to ${formatCount(subscribers)} through nginx, keys on`, () =>
          fanout(context, heraldFanoutTarget(keyed, 'nginx'), subscribers),
        )
      }
    } finally {
      await keyed.stop()
      current = undefined
    }
  }

  return {
    async run() {
      if (options.external !== undefined) {
        current = runningStack(options.external)
        run.stacks.push(current.description)
        await everything(current, undefined)
      } else {
        for (const [index, producers] of options.producers.entries()) {
          if (index > 0 && !wants('ingest')) continue
          progress(
            `bench ▸ starting a stack: ${producers} producers, ${options.consumers} consumers`,
          )
          current = await startHeraldStack(options, producers, profilesDir)
          run.stacks.push(current.description)
          try {
            progress(
              `bench ▸ warming the stack up for ${options.stackWarmupMs / 1000} s (unmeasured)`,
            )
            await warmUpStack(context, current.url)
            if (index === 0) await everything(current, producers)
            else
              await step(`ingest, ${current.label}`, () =>
                heraldIngest(context, current as HeraldTarget, producers),
              )
          } finally {
            await current.stop()
            current = undefined
          }
          if (index === 0 && wants('access')) await accessSteps(producers)
        }
      }
      run.finishedAt = new Date().toISOString()
      run.results = ordered(withComparisons(run.results))
      return run
    },
    async abort() {
      await current?.stop()
    },
  }
}

function summaryOf(result: ScenarioResult): string {
  const top = result.cpu?.processes[0]
  return (
    `${formatCount(result.throughput)} ${result.unit}, p50 ${formatMs(result.latency.p50)} ms, ` +
    `p99 ${formatMs(result.latency.p99)} ms` +
    (top === undefined ? '' : ` (busiest: ${top.name} ${Math.round(top.percent)} %)`)
  )
}

/** herald's ingest over the plain design's, herald's fan-out over bare Socket.IO's at the same N. */
function withComparisons(results: ScenarioResult[]): ScenarioResult[] {
  const byId = new Map(results.map((result) => [result.id, result]))
  const plain = byId.get(PLAIN_ID)
  return results.map((result) => {
    let baseline: ScenarioResult | undefined
    let label = ''
    if (result.group === 'herald ingest' && plain !== undefined) {
      baseline = plain
      label = 'plain'
    }
    const fanoutN = /^fanout-herald-(?:nginx-)?(\d+)$/.exec(result.id)?.[1]
    if (fanoutN !== undefined) {
      baseline = byId.get(`fanout-bare-${fanoutN}`)
      label = 'bare'
    }
    if (baseline === undefined || baseline.throughput === 0) return result
    return {
      ...result,
      versus: { id: baseline.id, label, ratio: result.throughput / baseline.throughput },
    }
  })
}

const GROUP_ORDER = [
  'herald ingest',
  'plain design',
  'ceiling',
  'end to end',
  'topics',
  'herald fan-out',
  'bare Socket.IO',
  PACED_GROUP,
  'soak',
]

function ordered(results: ScenarioResult[]): ScenarioResult[] {
  const producersOf = (id: string): number => Number(/^ingest-(\d+)p$/.exec(id)?.[1] ?? 0)
  return [...results].sort(
    (a, b) =>
      GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) ||
      producersOf(a.id) - producersOf(b.id),
  )
}
