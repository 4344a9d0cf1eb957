// What subscriptions and resynchronisations did about the records their sockets had missed,
// counted for /metrics: one outcome per entry, a gap's reason named (see RecoveryVerdict).

import type { RecoveryVerdict } from '@herald/shared'

export type RecoveryOutcome =
  'new' | 'recovered' | 'position_expired' | 'unknown_position' | 'scan_limit'

export class RecoveryTally {
  readonly byOutcome: Record<RecoveryOutcome, number> = {
    new: 0,
    recovered: 0,
    position_expired: 0,
    unknown_position: 0,
    scan_limit: 0,
  }
  /** Notifications replayed from Kafka, counted once per entry they were replayed for. */
  replayed = 0

  add(recovery: Readonly<Record<string, RecoveryVerdict>>): void {
    for (const verdict of Object.values(recovery)) {
      this.byOutcome[verdict.status === 'not_recovered' ? verdict.reason : verdict.status] += 1
      this.replayed += verdict.replayed
    }
  }
}
