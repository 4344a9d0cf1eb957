// When a paced fan-out step counts as sustained, and the highest rate that was: the figure issue
// 14 asks for. Kept apart from the scenario so the rule is tested on its own.

/** Sustained means every delivery arrived and the 99th percentile stayed within this. */
export const SUSTAINED_P99_MS = 200

/** Past this p99 (or with anything missing) a higher rate can only do worse: the steps stop. */
export const HOPELESS_P99_MS = 2000

export interface PacedStepOutcome {
  /** Deliveries offered per second. */
  offered: number
  /** Share of the expected deliveries (202s × subscribers) that arrived before the drain ended. */
  deliveredShare: number
  p99: number
}

export function isSustained(step: PacedStepOutcome): boolean {
  return step.deliveredShare >= 1 && step.p99 <= SUSTAINED_P99_MS
}

export function isHopeless(step: PacedStepOutcome): boolean {
  return step.deliveredShare < 1 || step.p99 > HOPELESS_P99_MS
}

/**
 * The highest offered rate that was sustained with every lower rate sustained too: a rate held
 * only above one that was not is noise, not capacity. Undefined when even the lowest was not.
 */
export function maxSustainedRate(steps: readonly PacedStepOutcome[]): number | undefined {
  let best: number | undefined
  for (const step of [...steps].sort((a, b) => a.offered - b.offered)) {
    if (!isSustained(step)) break
    best = step.offered
  }
  return best
}
