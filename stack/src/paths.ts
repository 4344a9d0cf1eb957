// Where the native stack finds the repository and keeps its data and caches.

import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file runs from stack/dist/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Everything `npm start` writes: Kafka's log, service logs, generated configs. Git-ignored. */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.herald')

/** Downloads kept across clones and runs (Kafka's jars), outside the repository. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HERALD_CACHE_DIR) return env.HERALD_CACHE_DIR
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'herald')
}
