// Reads a service's configuration from environment variables. Each service reads its env once,
// in its config.ts, through one reader that collects every problem and reports them together.

export type Env = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  override readonly name = 'ConfigError'

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

export interface IntRange {
  min?: number
  max?: number
}

export interface EnvReader {
  /** The variable's value, or `fallback` when it is unset or empty. */
  string(name: string, fallback: string): string
  /** An integer within `range`, or `fallback` when unset. */
  int(name: string, fallback: number, range?: IntRange): number
  /** `true` or `false` (also 1/0, yes/no), or `fallback` when unset. */
  bool(name: string, fallback: boolean): boolean
  /** A comma-separated list with blanks dropped, or `fallback` when unset. */
  list(name: string, fallback: readonly string[]): string[]
  /** Records a problem found by the service's own checks. */
  problem(message: string): void
  /** Freezes `config`, or throws one ConfigError listing every problem recorded. */
  finish<T extends object>(config: T): Readonly<T>
}

export function envReader(env: Env): EnvReader {
  const problems: string[] = []
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  return {
    string: (name, fallback) => raw(name) ?? fallback,
    int(name, fallback, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}) {
      const value = raw(name)
      if (value === undefined) return fallback
      const parsed = Number(value)
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        problems.push(`${name}=${JSON.stringify(value)}: expected an integer from ${min} to ${max}`)
        return fallback
      }
      return parsed
    },
    bool(name, fallback) {
      const value = raw(name)?.toLowerCase()
      if (value === undefined) return fallback
      if (['true', '1', 'yes'].includes(value)) return true
      if (['false', '0', 'no'].includes(value)) return false
      problems.push(`${name}=${JSON.stringify(value)}: expected true or false`)
      return fallback
    },
    list(name, fallback) {
      const value = raw(name)
      if (value === undefined) return [...fallback]
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    },
    problem: (message) => void problems.push(message),
    finish(config) {
      if (problems.length > 0) throw new ConfigError(problems)
      return Object.freeze(config)
    },
  }
}
