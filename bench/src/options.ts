// `npm run bench -- [flags]`: parsed and checked in one place, every problem named.

export const SCENARIOS = [
  'ingest',
  'batch',
  'plain',
  'ceilings',
  'e2e',
  'topics',
  'fanout',
  'keys',
  'access',
  'paced',
  'soak',
] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export interface BenchOptions {
  /** Measured seconds of each scenario (warm-up not included). */
  durationMs: number
  warmupMs: number
  /** Unmeasured load on each stack it starts, before its first scenario: the broker's JIT compiles. */
  stackWarmupMs: number
  /** An already running stack instead of starting one: its entry point and Kafka. */
  external?: { url: string; kafkaBrokers: string[] }
  /** Producers of each ingest stack; the first listed also runs every other scenario. */
  producers: number[]
  consumers: number
  /** Requests in flight of the ingest, plain and ceiling load generators. */
  concurrency: number
  /** End-to-end publish rates, notifications per second. */
  rates: number[]
  /** Fan-out subscriber counts. */
  fanout: number[]
  /** Fan-out notifications outstanding at once. */
  fanoutWindow: number
  /** New topics per second of the topics scenario's churn steps. */
  topicRates: number[]
  /** How long each churn step makes new topics. */
  churnMs: number
  /** Topics existing in the topics scenario's scale steps, ascending. */
  topicCounts: number[]
  /** Subscribers of the keys scenario, each on its own key of one topic. */
  keySubscribers: number
  /** Notifications per second of the keys scenario, to random subscribers. */
  keyRate: number
  /** Subscribers, each on a topic of its own, of the keys scenario's contrast steps, ascending. */
  keyTopicCounts: number[]
  /** Reconnects of the keys scenario's keyed subscriber, and the others' records each one misses. */
  keyReconnects: number
  keyReconnectOthers: number
  /** Paced fan-out: subscriber counts, offered deliveries per second (ascending), step length. */
  pacedSubscribers: number[]
  pacedRates: number[]
  pacedStepMs: number
  /** Length of the soak's mixed load. */
  soakMinutes: number
  /** The consumers' HERALD_WRITE_INTERVAL_MS (0: their default, a write per turn). */
  writeIntervalMs: number
  scenarios: ScenarioName[]
  cpuProf: boolean
  outDir: string
}

export const USAGE = `usage: npm run bench -- [flags]
  --duration S        measured seconds per scenario (default 10)
  --quick             3 s per scenario and a short warm-up
  --url URL           use a running stack's entry point (with --kafka) instead of starting one
  --kafka HOST:PORT   that stack's Kafka
  --producers LIST    producers of each ingest stack (default 2,1,4; the first runs everything)
  --consumers M       consumers of every stack (default 2)
  --concurrency C     requests in flight for ingest and its baselines (default 64)
  --rates LIST        end-to-end notifications per second (default 100,1000,5000)
  --fanout LIST       fan-out subscribers (default 1000,10000)
  --fanout-window W   fan-out notifications outstanding (default 4)
  --topic-rates LIST  new topics per second while a topic streams at 50/s (default 2,10,20)
  --churn-seconds S   how long each of those rates runs (default 20; 5 with --quick)
  --topic-counts LIST topics existing for idle CPU, RSS, a stream, a consumer's SIGTERM and
                      restart (default 1000,5000; 100,300 with --quick)
  --key-subscribers N keys: subscribers, each on its own key of one topic (default 10000)
  --key-rate R        keys: notifications per second to random subscribers (default 1000)
  --key-topic-counts LIST
                      keys: a topic per subscriber instead, at each count (default 250,500,1000,2000,5000)
  --key-reconnects N  keys: reconnects of a keyed subscriber (default 5)
  --key-reconnect-others N
                      keys: others' records on its partition each reconnect misses (default 100000)
  --paced-subscribers LIST
                      paced fan-out: subscribers, through nginx and direct (default 1000,10000;
                      1000 with --quick)
  --paced-rates LIST  paced fan-out: offered deliveries per second, in steps (default
                      10000,25000,50000,100000,200000; 10000,50000 with --quick)
  --paced-seconds S   paced fan-out: seconds each rate is offered (default 10; 3 with --quick)
  --soak-minutes M    soak: minutes of mixed load, memory of every process sampled (default 10;
                      1 with --quick)
  --write-interval MS the consumers' HERALD_WRITE_INTERVAL_MS, 0 to 1000 (default 0; README ›
                      Performance › Paced fan-out)
  --scenarios LIST    any of ${SCENARIOS.join(',')} (default all)
  --cpu-prof          CPU profiles of producers, consumers and baselines in <out>/profiles
                      (replacing the last run's), summed up in <out>/profiles/summary.md
  --out DIR           where results go (default bench/results)`

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** --write-interval: 0 is a value here (the consumers' default), unlike every count. */
function writeInterval(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 0
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 1000)
    problems.push(`--write-interval: expected a whole number of ms from 0 to 1000, got ${raw}`)
  return value
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/

export function parseBenchOptions(args: readonly string[], defaultOutDir: string): BenchOptions {
  const problems: string[] = []
  const values = new Map<string, string>()
  const flags = new Set<string>()
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string
    if (arg === '--quick' || arg === '--cpu-prof') flags.add(arg)
    else if (arg.startsWith('--') && i + 1 < args.length) values.set(arg, args[++i] as string)
    else problems.push(`unexpected argument ${arg}`)
  }
  const known = [
    '--duration',
    '--url',
    '--kafka',
    '--producers',
    '--consumers',
    '--concurrency',
    '--rates',
    '--fanout',
    '--fanout-window',
    '--topic-rates',
    '--churn-seconds',
    '--topic-counts',
    '--key-subscribers',
    '--key-rate',
    '--key-topic-counts',
    '--key-reconnects',
    '--key-reconnect-others',
    '--paced-subscribers',
    '--paced-rates',
    '--paced-seconds',
    '--soak-minutes',
    '--write-interval',
    '--scenarios',
    '--out',
  ]
  for (const flag of values.keys()) if (!known.includes(flag)) problems.push(`unknown flag ${flag}`)

  const count = (flag: string, fallback: number, max: number): number => {
    const raw = values.get(flag)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push(`${flag}: expected a whole number from 1 to ${max}, got ${raw}`)
    }
    return value
  }
  const list = (flag: string, fallback: number[], max: number): number[] => {
    const raw = values.get(flag)
    if (raw === undefined) return fallback
    const items = raw.split(',').map(Number)
    if (items.some((value) => !Number.isInteger(value) || value < 1 || value > max)) {
      problems.push(`${flag}: expected whole numbers from 1 to ${max}, comma-separated, got ${raw}`)
    }
    return items
  }

  const quick = flags.has('--quick')
  const durationSeconds = count('--duration', quick ? 3 : 10, 600)
  const scenarios = (values.get('--scenarios')?.split(',') ?? [...SCENARIOS]) as ScenarioName[]
  for (const name of scenarios) {
    if ((name as string) === 'newtopics') {
      problems.push('--scenarios: newtopics is now part of topics (its churn steps)')
    } else if (!SCENARIOS.includes(name)) problems.push(`--scenarios: unknown scenario ${name}`)
  }

  const url = values.get('--url')
  const kafka = values.get('--kafka')
  let external: BenchOptions['external']
  if ((url === undefined) !== (kafka === undefined)) {
    problems.push('--url and --kafka go together: a running stack needs both')
  } else if (url !== undefined && kafka !== undefined) {
    const kafkaBrokers = kafka.split(',')
    let host = ''
    try {
      host = new URL(url).hostname
    } catch {
      problems.push(`--url: not a URL: ${url}`)
    }
    const hosts = [host, ...kafkaBrokers.map((broker) => broker.replace(/:\d+$/, ''))]
    if (hosts.some((each) => !LOOPBACK.test(each))) {
      problems.push('--url and --kafka must be on this machine (127.0.0.1, localhost or [::1])')
    }
    external = { url: url.replace(/\/$/, ''), kafkaBrokers }
  }

  const options: BenchOptions = {
    durationMs: durationSeconds * 1000,
    warmupMs: quick ? 500 : 2000,
    stackWarmupMs: quick ? 5000 : 15_000,
    producers: list('--producers', [2, 1, 4], 16),
    consumers: count('--consumers', 2, 16),
    concurrency: count('--concurrency', 64, 1024),
    rates: list('--rates', [100, 1000, 5000], 50_000),
    fanout: list('--fanout', [1000, 10_000], 20_000),
    fanoutWindow: count('--fanout-window', 4, 64),
    topicRates: list('--topic-rates', [2, 10, 20], 200),
    churnMs: count('--churn-seconds', quick ? 5 : 20, 600) * 1000,
    // Ascending: each scale step adds topics to those the one before made.
    topicCounts: list('--topic-counts', quick ? [100, 300] : [1000, 5000], 20_000).sort(
      (a, b) => a - b,
    ),
    keySubscribers: count('--key-subscribers', quick ? 1000 : 10_000, 20_000),
    keyRate: count('--key-rate', 1000, 10_000),
    keyTopicCounts: list(
      '--key-topic-counts',
      quick ? [100, 300] : [250, 500, 1000, 2000, 5000],
      20_000,
    ).sort((a, b) => a - b),
    keyReconnects: count('--key-reconnects', quick ? 2 : 5, 50),
    keyReconnectOthers: count('--key-reconnect-others', quick ? 10_000 : 100_000, 1_000_000),
    pacedSubscribers: list('--paced-subscribers', quick ? [1000] : [1000, 10_000], 20_000),
    pacedRates: list(
      '--paced-rates',
      quick ? [10_000, 50_000] : [10_000, 25_000, 50_000, 100_000, 200_000],
      1_000_000,
    ).sort((a, b) => a - b),
    pacedStepMs: count('--paced-seconds', quick ? 3 : 10, 600) * 1000,
    soakMinutes: count('--soak-minutes', quick ? 1 : 10, 120),
    writeIntervalMs: writeInterval(values.get('--write-interval'), problems),
    scenarios,
    cpuProf: flags.has('--cpu-prof'),
    outDir: values.get('--out') ?? defaultOutDir,
  }
  if (external !== undefined) options.external = external
  if (problems.length > 0) throw new UsageError(problems.join('\n'))
  return options
}
