// What every scenario is given: the options, where to write, and how to tell the person watching.

import type { BenchOptions } from '../options.js'

export interface ScenarioContext {
  options: BenchOptions
  /** Node flags for the bench's own servers: --cpu-prof and its folder, or nothing. */
  profileArgs: readonly string[]
  /** Where --cpu-prof writes. */
  profilesDir: string
  /** A scratch folder for this run (nginx configs, logs). */
  workDir: string
  /** One progress line. */
  progress(line: string): void
}
