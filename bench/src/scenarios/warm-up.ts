// A broker fresh from start spends its first minute compiling: its JIT compiler alone took a fifth
// of a core in a profile of the first scenario, which the scenarios after it never paid. Each stack
// the bench starts takes unmeasured load first, so that no row pays for being first.

import type { ScenarioContext } from './context.js'
import { runHttpLoad } from './http-load-run.js'

export async function warmUpStack(
  context: ScenarioContext,
  origin: string,
  publisherKey?: string,
): Promise<void> {
  const { options } = context
  await runHttpLoad(
    {
      origin,
      topic: 'bench-warm-up',
      ...(publisherKey === undefined ? {} : { authorization: `Bearer ${publisherKey}` }),
      mode: { kind: 'closed', concurrency: options.concurrency },
      warmupMs: 0,
      durationMs: options.stackWarmupMs,
    },
    options,
    [],
  )
}
