// Ceilings: what the parts of herald's path can do alone on this machine. The HTTP path without
// Kafka (herald's request handling answering 202 at once: directly, and behind the repository's
// nginx config), and Kafka without HTTP (kafkajs sending large batches).

import type { KafkaBatchConfig, KafkaBatchResult } from '../baselines/kafkajs-batch.js'
import { Histogram } from '../histogram.js'
import { startCpuSampler } from '../monitor/cpu-sampler.js'
import { nameProfiles } from '../monitor/profiles.js'
import { forkBench } from '../process/child.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import { startNginxFront } from '../targets/nginx-front.js'
import { startBaseline, type BaselineServer } from './baseline-server.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF, httpRow, runClosedLoop } from './http-load-run.js'

export async function httpCeilingDirect(context: ScenarioContext): Promise<ScenarioResult> {
  const { options } = context
  const server = await startBaseline({ baseline: 'accept-express' }, 'accept-1', context)
  try {
    const run = await runClosedLoop(server.origin, 'bench-ceiling', options, [server.watched])
    return httpRow(run, {
      id: 'ceiling-http-direct',
      group: 'ceiling',
      label: 'ceiling: HTTP, no Kafka, direct',
      subject: 'Express + validation, 202 without Kafka, 1 process, no nginx',
      load: `c=${options.concurrency}`,
    })
  } finally {
    await server.stop()
  }
}

export async function httpCeilingBehindNginx(
  context: ScenarioContext,
  instances: number,
): Promise<ScenarioResult> {
  const { options } = context
  const servers: BaselineServer[] = []
  try {
    for (let i = 1; i <= instances; i += 1) {
      servers.push(await startBaseline({ baseline: 'accept-express' }, `accept-${i}`, context))
    }
    const ports = servers.map((server) => Number(new URL(server.origin).port))
    const nginx = await startNginxFront(`${context.workDir}/nginx-ceiling`, ports)
    try {
      const run = await runClosedLoop(nginx.url, 'bench-ceiling', options, [
        ...servers.map((server) => server.watched),
        { name: 'nginx', pid: nginx.pid, withChildren: true },
      ])
      return httpRow(run, {
        id: 'ceiling-http-nginx',
        group: 'ceiling',
        label: `ceiling: HTTP, no Kafka, nginx → ${instances}`,
        subject: `nginx (repo config) → ${instances} × Express + validation, 202 without Kafka`,
        load: `c=${options.concurrency}`,
      })
    } finally {
      await nginx.stop()
    }
  } finally {
    for (const server of servers) await server.stop()
  }
}

export async function kafkaCeiling(
  context: ScenarioContext,
  target: HeraldTarget,
): Promise<ScenarioResult> {
  const { options } = context
  const config: KafkaBatchConfig = {
    kafkaBrokers: target.kafkaBrokers,
    topic: 'bench-kafkajs-batch',
    partitions: 3,
    recordsPerSend: 1000,
    sendsInFlight: 4,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    maxSends: 1_000_000,
  }
  const producer = forkBench('baselines/kafkajs-batch.js', 'kafkajs-batch', config, {
    nodeArgs: context.profileArgs,
  })
  try {
    const timeoutMs = config.warmupMs + config.durationMs + 60_000
    await producer.receive('measuring', timeoutMs)
    const sample = startCpuSampler([
      { name: 'kafkajs-batch', pid: producer.pid },
      ...target.watched(),
      BENCH_ITSELF,
    ])
    const result = await producer.receive<KafkaBatchResult>('result', timeoutMs)
    const cpu = sample()
    const seconds = (result.endedAt - result.startedAt) / 1000
    const pid = producer.pid
    await producer.stop()
    nameProfiles(context.profilesDir, new Map([[pid, 'kafkajs-batch']]), 'baseline')
    return {
      id: 'ceiling-kafka',
      group: 'ceiling',
      label: 'ceiling: kafkajs, 1,000 per send',
      subject: 'kafkajs → Kafka directly, 1,000 records per send (acks -1), no HTTP',
      load: `${config.sendsInFlight} sends in flight`,
      unit: 'records/s',
      throughput: result.records / seconds,
      latencyOf: 'one send of 1,000 records',
      latency: new Histogram().merge(result.latency).summary(),
      cpu,
      details: { records: result.records, seconds, ...config, kafkaBrokers: undefined },
    }
  } finally {
    await producer.stop()
  }
}
