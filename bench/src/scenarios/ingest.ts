// Ingest: POST /notify through nginx to herald's producers at a fixed concurrency, and the plain
// design (one Express process, one kafkajs producer, one awaited send per request, no nginx)
// against the same broker with the same load.

import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import { startBaseline } from './baseline-server.js'
import { httpRow, runClosedLoop, runHttpLoad } from './http-load-run.js'
import type { ScenarioContext } from './context.js'

export async function heraldIngest(
  context: ScenarioContext,
  target: HeraldTarget,
  producers: number | undefined,
): Promise<ScenarioResult> {
  const { options } = context
  const keys = target.credentials !== undefined
  const run = await runClosedLoop(
    target.url,
    'bench-ingest',
    options,
    target.watched(),
    keys ? `Bearer ${target.credentials?.publisherKey}` : undefined,
  )
  const producersLabel =
    producers === undefined ? 'producers' : `${producers} producer${producers === 1 ? '' : 's'}`
  return httpRow(run, {
    id: `${producers === undefined ? 'ingest' : `ingest-${producers}p`}${keys ? '-keys' : ''}`,
    group: 'herald ingest',
    label: `${producers === undefined ? 'herald ingest, running stack' : `herald ingest, ${producersLabel}`}${keys ? ', keys on' : ''}`,
    subject: `nginx → ${producersLabel} → Kafka (${target.label})`,
    load: `c=${options.concurrency}`,
  })
}

export const PLAIN_ID = 'plain-express'

export async function plainDesign(
  context: ScenarioContext,
  target: HeraldTarget,
): Promise<ScenarioResult> {
  const { options } = context
  const topic = 'bench-plain'
  const server = await startBaseline(
    { baseline: 'plain-express', kafkaBrokers: target.kafkaBrokers, topic, partitions: 3 },
    PLAIN_ID,
    context,
  )
  try {
    // herald's processes stay up but idle: its consumers ignore topics outside its prefix.
    const run = await runClosedLoop(server.origin, topic, options, [
      server.watched,
      ...target.watched(),
    ])
    return httpRow(run, {
      id: PLAIN_ID,
      group: 'plain design',
      label: 'plain Express + kafkajs',
      subject: 'Express + kafkajs, 1 process, awaited send (acks -1), no nginx',
      load: `c=${options.concurrency}`,
    })
  } finally {
    await server.stop()
  }
}

/** Notifications per request of the batch scenario: the endpoint's maximum. */
const BATCH_SIZE = 1000

export async function batchPublish(
  context: ScenarioContext,
  target: HeraldTarget,
): Promise<ScenarioResult> {
  const { options } = context
  const concurrency = 4
  const run = await runHttpLoad(
    {
      origin: target.url,
      path: '/notify/batch',
      topic: 'bench-batch',
      batchSize: BATCH_SIZE,
      mode: { kind: 'closed', concurrency },
    },
    options,
    target.watched(),
  )
  return {
    ...httpRow(run, {
      id: 'batch',
      group: 'herald ingest',
      label: 'herald batch publish',
      subject: `POST /notify/batch, ${BATCH_SIZE.toLocaleString('en-US')} per request, nginx → ${target.label}`,
      load: `c=${concurrency}`,
    }),
    unit: 'notifications/s',
    latencyOf: 'POST of 1,000 → 200',
  }
}
