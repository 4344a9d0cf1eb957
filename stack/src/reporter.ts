// Progress lines for a person watching the stack start: one line per step, and a line every few
// seconds while a slow step (a download, a broker start) is still running.

export interface Reporter {
  info(message: string): void
  warn(message: string): void
  /** Runs a slow step, saying so when it starts, while it runs, and how long it took. */
  step<T>(label: string, work: (progress: (detail: string) => void) => Promise<T>): Promise<T>
}

export function consoleReporter(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  heartbeatMs = 3000,
): Reporter {
  return {
    info: (message) => write(`herald ▸ ${message}`),
    warn: (message) => write(`herald ! ${message}`),
    async step(label, work) {
      const started = Date.now()
      let detail = ''
      write(`herald ▸ ${label}…`)
      const heartbeat = setInterval(() => {
        const seconds = Math.round((Date.now() - started) / 1000)
        write(
          `herald ▸   still ${label.charAt(0).toLowerCase()}${label.slice(1)} (${seconds} s${detail ? `, ${detail}` : ''})`,
        )
      }, heartbeatMs)
      try {
        const result = await work((next) => (detail = next))
        write(`herald ▸ ${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        return result
      } finally {
        clearInterval(heartbeat)
      }
    },
  }
}

/** For tests: progress goes nowhere. */
export const silentReporter: Reporter = {
  info: () => undefined,
  warn: () => undefined,
  step: (_label, work) => work(() => undefined),
}
