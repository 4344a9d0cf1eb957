// Starts a baseline server (baselines/serve-baseline.ts) in its own process and says where it is.

import type { BaselineConfig, BaselineReady } from '../baselines/serve-baseline.js'
import type { Watched } from '../monitor/cpu-sampler.js'
import { nameProfiles } from '../monitor/profiles.js'
import { forkBench, type BenchChild } from '../process/child.js'
import type { ScenarioContext } from './context.js'

export interface BaselineServer {
  origin: string
  watched: Watched
  child: BenchChild
  /** Ends it, and names its CPU profile when it wrote one. */
  stop(): Promise<void>
}

export async function startBaseline(
  config: BaselineConfig,
  name: string,
  context: Pick<ScenarioContext, 'profileArgs' | 'profilesDir'>,
): Promise<BaselineServer> {
  const child = forkBench('baselines/serve-baseline.js', name, config, {
    nodeArgs: context.profileArgs,
  })
  const stop = async (): Promise<void> => {
    const pid = child.pid
    await child.stop()
    nameProfiles(context.profilesDir, new Map([[pid, name]]), 'baseline')
  }
  try {
    const { port } = await child.receive<BaselineReady>('ready', 60_000)
    return { origin: `http://127.0.0.1:${port}`, watched: { name, pid: child.pid }, child, stop }
  } catch (error) {
    await child.stop()
    throw error
  }
}
