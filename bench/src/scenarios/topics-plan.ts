// The schedule and arithmetic of the topics scenario, kept pure so they are tested alone.

import { MEASURING } from '../monitor/cpu-sampler.js'

/**
 * The indexes of the new topics due by `elapsedMs` into a churn step at `ratePerSecond`, after the
 * `made` already posted: topic i is due at i / rate seconds.
 */
export function topicsBetween(ratePerSecond: number, made: number, elapsedMs: number): number[] {
  if (ratePerSecond <= 0) return []
  const due = Math.floor((elapsedMs * ratePerSecond) / 1000) + 1
  return Array.from({ length: Math.max(0, due - made) }, (_, i) => made + i)
}

/** Resident memory per process in MiB, rounded, by name. */
export function rssByName(
  processes: readonly { name: string; rssBytes: number | undefined }[],
): Record<string, number> {
  return Object.fromEntries(
    processes
      .filter((each): each is { name: string; rssBytes: number } => each.rssBytes !== undefined)
      .map(({ name, rssBytes }) => [name, Math.round(rssBytes / 2 ** 20)]),
  )
}

/** The processes of herald's stack, not the bench's own: what idle CPU adds up. */
export function stackPercent(processes: readonly { name: string; percent: number }[]): number {
  return processes
    .filter(({ name }) => !MEASURING.test(name))
    .reduce((sum, { percent }) => sum + percent, 0)
}
