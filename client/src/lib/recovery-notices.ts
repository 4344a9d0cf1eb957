// What the verdicts of a resubscription mean for the person reading the page. A gap that could not
// be filled is always shown, one notice per topic, until it is dismissed. A complete recovery gets
// a quiet note.

import type { RecoveryVerdict } from '@herald/shared'

import { formatCount } from './format'

type GapVerdict = Extract<RecoveryVerdict, { status: 'not_recovered' }>

export interface GapNotice {
  readonly kind: 'gap'
  /** The subscription entry: a topic, or a pattern. */
  readonly topic: string
  readonly reason: GapVerdict['reason']
  readonly replayed: number
}

export interface RecoveryNote {
  readonly kind: 'recovered'
  readonly topic: string
  readonly replayed: number
}

export type RecoveryNotice = GapNotice | RecoveryNote

/**
 * The notices after an ack's verdicts: a gap replaces the topic's earlier notices and stays until
 * dismissed; a later recovery replaces only the note, as it does not fill the earlier gap.
 */
export function applyVerdicts(
  notices: readonly RecoveryNotice[],
  verdicts: readonly (readonly [topic: string, verdict: RecoveryVerdict])[],
): RecoveryNotice[] {
  let next = [...notices]
  for (const [topic, verdict] of verdicts) {
    if (verdict.status === 'new') continue
    next = next.filter(
      (notice) =>
        notice.topic !== topic || (notice.kind === 'gap' && verdict.status === 'recovered'),
    )
    if (verdict.status === 'not_recovered') {
      next.push({ kind: 'gap', topic, reason: verdict.reason, replayed: verdict.replayed })
    } else if (verdict.replayed > 0) {
      next.push({ kind: 'recovered', topic, replayed: verdict.replayed })
    }
  }
  return next
}

export function noticeText(notice: RecoveryNotice): string {
  const { topic, replayed } = notice
  const one = replayed === 1
  if (notice.kind === 'recovered') {
    return `recovered ${formatCount(replayed)} missed ${one ? 'message' : 'messages'} on ${topic}`
  }
  const gap = `Some messages on ${topic} could not be recovered`
  if (notice.reason === 'unknown_position') {
    return `${gap}: the topic was reset. What the feed showed from before the reset was cleared.`
  }
  const kept =
    replayed === 0
      ? ''
      : ` The ${formatCount(replayed)} still kept ${one ? 'was' : 'were'} recovered.`
  return `${gap}: they are older than the topic's retention.${kept}`
}
