// A scenario starts from consumers with nothing left to deliver. A flood the previous scenario
// left in Kafka (a batch publish queues more than a million records) is broadcast before the next
// scenario's records in the same fetches, and would be measured as that scenario's latency.

import { sleep } from '../clock.js'
import type { HeraldTarget } from './herald-stack.js'

const CAUGHT_UP_TIMEOUT_MS = 180_000
const POLL_MS = 250
/** Past this wait, the person watching is told why nothing happens. */
const QUIET_MS = 2_000

export interface DeliveryState {
  lagRecords: number
  paused: string | null
}

async function deliveryOf(origin: string): Promise<DeliveryState | undefined> {
  try {
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) })
    const body = (await response.json()) as { delivery?: DeliveryState }
    return body.delivery
  } catch {
    return undefined
  }
}

/** Records still to deliver across the consumers, or why they cannot be counted yet. */
export function recordsBehind(states: readonly (DeliveryState | undefined)[]): number | 'unknown' {
  let behind = 0
  for (const state of states) {
    // A consumer that does not answer, or waits for its sockets, is not caught up.
    if (state === undefined) return 'unknown'
    behind += state.paused === null ? state.lagRecords : Math.max(1, state.lagRecords)
  }
  return behind
}

/**
 * Resolves once every consumer of `target` has delivered all it fetched and is not paused; a
 * running stack's consumers cannot be asked, so it returns at once. Throws after three minutes.
 */
export async function consumersCaughtUp(
  target: HeraldTarget,
  progress: (line: string) => void,
): Promise<void> {
  const startedAt = Date.now()
  let told = false
  for (;;) {
    const behind = recordsBehind(await Promise.all(target.consumerOrigins.map(deliveryOf)))
    const waited = Date.now() - startedAt
    if (behind === 0) {
      if (told) progress(`bench ▸ the consumers caught up in ${(waited / 1000).toFixed(1)} s`)
      return
    }
    if (waited > CAUGHT_UP_TIMEOUT_MS) {
      throw new Error(
        `the consumers did not catch up within ${CAUGHT_UP_TIMEOUT_MS / 1000} s (${behind.toLocaleString('en-US')} records behind)`,
      )
    }
    if (!told && waited > QUIET_MS) {
      progress(
        `bench ▸ waiting for the consumers to catch up (${behind.toLocaleString('en-US')} records behind)`,
      )
      told = true
    }
    await sleep(POLL_MS)
  }
}
