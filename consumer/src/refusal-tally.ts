// The refusals this instance answered, for /metrics: handshakes and subscription acks refused for
// their credential or grants, or by a limit. Who was refused is a bounded label: `token` (a
// token's subject is a user, never a label), `none` without one, `open` when access is open.

import { refusalKind, type ErrorCode } from '@herald/shared'

export type RefusedCaller = 'token' | 'none' | 'open'

export interface RefusalCount {
  kind: 'auth' | 'limit'
  code: ErrorCode
  caller: RefusedCaller
  count: number
}

export class RefusalTally {
  readonly #counts = new Map<string, RefusalCount>()

  /** Counts `code` if it refuses the caller (see refusalKind); other errors are not counted. */
  add(code: ErrorCode, caller: RefusedCaller): void {
    const kind = refusalKind(code)
    if (kind === undefined) return
    const id = `${code} ${caller}`
    const known = this.#counts.get(id)
    if (known === undefined) this.#counts.set(id, { kind, code, caller, count: 1 })
    else known.count += 1
  }

  counts(): readonly RefusalCount[] {
    return [...this.#counts.values()]
  }
}
