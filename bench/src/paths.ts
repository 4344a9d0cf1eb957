// Where the bench finds the repository and keeps what it writes.

import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** bench/ (this file runs from bench/dist/). */
export const BENCH_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_ROOT = resolve(BENCH_ROOT, '..')
export const DEFAULT_RESULTS_DIR = join(BENCH_ROOT, 'results')
/** Stacks' data and logs, under the repository's git-ignored .herald/. */
export const BENCH_DATA_ROOT = join(REPO_ROOT, '.herald', 'bench')
