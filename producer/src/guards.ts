// What every route checks before it acts: who the caller is (401), whether it may do this (403)
// and whether it is within its limits (429). Built once in app.ts and handed to the routes.

import type { AccessConfig, TokenVerifier } from '@herald/shared/access'
import type { TopicAdmin } from '@herald/shared/kafka'
import type { RequestHandler } from 'express'

import { assertMayCreate, identifyCaller, type Caller } from './callers.js'
import type { PublishLimits } from './publish-limits.js'

export interface Guards {
  /** Resolves the caller; `tokens` says which subscriber tokens it lets in besides keys. */
  identify: (options: { tokens: boolean | 'admin' }) => RequestHandler
  limits: PublishLimits
  /** Lets a publish to `topic` go ahead: it exists, or the caller may (still) create it. */
  admitTopic: (caller: Caller, topic: string) => Promise<void>
}

/**
 * Longest wait to learn whether a topic exists before publishing to it: with the publish's own
 * timeout (at most 4 s) it keeps the answer within the 5 s the contract promises.
 */
const EXISTS_TIMEOUT_MS = 900

export interface GuardDeps {
  access: AccessConfig
  verifier: TokenVerifier | undefined
  limits: PublishLimits
  admin: Pick<TopicAdmin, 'exists'>
}

export function createGuards({ access, verifier, limits, admin }: GuardDeps): Guards {
  return {
    identify: ({ tokens }) => identifyCaller({ access, verifier, tokens }),
    limits,
    async admitTopic(caller, topic) {
      // Open mode creates on first use for anyone: only POST /topics counts creations there.
      if (caller.kind === 'open') return
      if (await admin.exists(topic, EXISTS_TIMEOUT_MS)) return
      assertMayCreate(caller, topic)
      await limits.createTopic(caller)
    },
  }
}
