// The first record of a brand-new topic reaches subscribers only once the consumer group has
// taken the topic on (a rebalance): the bench waits for that before it measures anything.

import { sleep } from '../clock.js'

const PRIME_TIMEOUT_MS = 60_000

/**
 * Posts an unstamped notification to `topic` every half second until `arrived` says one got
 * through (it should wait up to about half a second itself).
 */
export async function primeTopic(
  origin: string,
  topic: string,
  arrived: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + PRIME_TIMEOUT_MS
  while (Date.now() < deadline) {
    const response = await fetch(`${origin}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic, message: { probe: true } }),
    })
    await response.arrayBuffer()
    if (await arrived().catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`no notification of ${topic} reached a subscriber within ${PRIME_TIMEOUT_MS} ms`)
}
