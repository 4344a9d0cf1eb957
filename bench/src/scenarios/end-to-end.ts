// End to end: POST /notify paced at a fixed rate through nginx, timed until a socket.io-client
// subscriber (also through nginx) receives the notification. Send and receive times are read on
// the same clock in two processes of this machine.

import { sleep } from '../clock.js'
import type { SubscriberConfig, SubscriberReport } from '../e2e/subscriber.js'
import { Histogram } from '../histogram.js'
import { forkBench, type BenchChild } from '../process/child.js'
import type { ScenarioResult } from '../result.js'
import type { HeraldTarget } from '../targets/herald-stack.js'
import type { ScenarioContext } from './context.js'
import { BENCH_ITSELF, runHttpLoad } from './http-load-run.js'
import { primeTopic } from './prime.js'

const DRAIN_MS = 10_000

export async function endToEnd(
  context: ScenarioContext,
  target: HeraldTarget,
  ratePerSecond: number,
): Promise<ScenarioResult> {
  const { options } = context
  const topic = `bench-e2e-${ratePerSecond}`
  const config: SubscriberConfig = { origin: target.url, topic }
  const subscriber = forkBench('e2e/subscriber.js', 'subscriber', config)
  try {
    await subscriber.receive('subscribed', 60_000)
    // The first record of a new topic waits for the consumer group to take it on: not measured.
    await primeTopic(target.url, topic, () => subscriber.receive('primed', 500).then(() => true))

    const run = await runHttpLoad(
      { origin: target.url, topic, mode: { kind: 'paced', ratePerSecond } },
      options,
      [...target.watched(), { name: 'subscriber', pid: subscriber.pid }, BENCH_ITSELF],
      ({ from }) => subscriber.send({ type: 'measure', from }),
    )
    const report = await drain(subscriber, run.result.accepted)
    const seconds = (run.result.endedAt - run.result.startedAt) / 1000
    const posts = new Histogram().merge(run.result.latency).summary()
    return {
      id: `e2e-${ratePerSecond}`,
      group: 'end to end',
      label: `end to end @ ${ratePerSecond.toLocaleString('en-US')}/s`,
      subject: `POST → nginx → producer → Kafka → consumer → socket.io-client (${target.label})`,
      load: `${ratePerSecond.toLocaleString('en-US')} notifications/s offered`,
      unit: 'notifications/s',
      throughput: report.received / seconds,
      latencyOf: 'POST sent → notification received',
      latency: new Histogram().merge(report.latency).summary(),
      cpu: run.cpu,
      details: {
        offeredPerSecond: ratePerSecond,
        accepted: run.result.accepted,
        received: report.received,
        lost: run.result.accepted - report.received,
        duplicates: report.duplicates,
        skippedSends: run.result.skipped,
        otherStatuses: run.result.statuses,
        networkErrors: run.result.networkErrors,
        postToAcceptedMs: posts,
        seconds,
      },
    }
  } finally {
    await subscriber.stop()
  }
}

/** Waits until the subscriber has every accepted notification, or DRAIN_MS passed. */
async function drain(subscriber: BenchChild, accepted: number): Promise<SubscriberReport> {
  const deadline = Date.now() + DRAIN_MS
  for (;;) {
    subscriber.send({ type: 'report' })
    const report = await subscriber.receive<SubscriberReport>('report', 10_000)
    if (report.received >= accepted || Date.now() > deadline) return report
    await sleep(250)
  }
}
