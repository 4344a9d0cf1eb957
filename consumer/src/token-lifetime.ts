// A socket's token has an end: the socket is told `noticeMs` before it (`token:expiring`), may
// present a fresh token meanwhile (`token:refresh`, handled with the subscriptions), and is
// disconnected at the end with `token:expired` saying why.

import type { Logger } from '@herald/shared/service'

import type { HeraldSocket } from './socket-handlers.js'

/** setTimeout's longest delay; a token that lives longer is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface TokenLifetime {
  /** (Re)starts the timers for the socket's current grant. */
  schedule(): void
  stop(): void
}

export function watchTokenLifetime(
  socket: HeraldSocket,
  { noticeMs, logger }: { noticeMs: number; logger: Logger },
): TokenLifetime {
  const timers: NodeJS.Timeout[] = []
  const stop = (): void => {
    for (const timer of timers.splice(0)) clearTimeout(timer)
  }
  const schedule = (): void => {
    stop()
    const grant = socket.data.grant
    if (grant === undefined) return
    const { expiresAt } = grant
    const left = expiresAt - Date.now()
    if (left > MAX_TIMER_MS) {
      timers.push(setTimeout(schedule, MAX_TIMER_MS))
      return
    }
    timers.push(
      setTimeout(
        () =>
          socket.emit('token:expiring', {
            expiresAt,
            message: `token expires at ${new Date(expiresAt).toISOString()}; send token:refresh with a fresh one`,
          }),
        Math.max(0, left - noticeMs),
      ),
      setTimeout(
        () => {
          logger.info({ subject: grant.subject }, 'socket token expired; disconnecting')
          socket.emit('token:expired', {
            code: 'token_expired',
            message: 'token expired without a refresh; connect again with a fresh token',
          })
          socket.disconnect(true)
        },
        Math.max(0, left),
      ),
    )
  }
  socket.once('disconnect', stop)
  return { schedule, stop }
}
