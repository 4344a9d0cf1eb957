// Who is calling: the bearer of a publisher key, of a subscriber token (history reads only), of an
// admin token (a subscriber token with `admin: true`: the operator API, history, publishing
// anywhere), or anyone at all in open mode. Resolved once per request into `res.locals.caller`; the routes ask
// it what it may do. Unknown or missing credentials are 401 here, before a body is read.

import {
  grantCovers,
  TokenError,
  type AccessConfig,
  type PublisherKey,
  type TokenGrant,
  type TokenVerifier,
} from '@herald/shared/access'
import type { RequestHandler, Response } from 'express'

import { ApiError } from './errors.js'

export type Caller =
  | { kind: 'open' }
  | { kind: 'key'; key: PublisherKey }
  | { kind: 'token'; grant: TokenGrant }
  | { kind: 'admin'; grant: TokenGrant }

/** Names the caller in logs and limits: a key's name, a token's subject; never a secret. */
export function callerName(caller: Caller): string {
  if (caller.kind === 'key') return caller.key.name
  if (caller.kind === 'token') return `token:${caller.grant.subject}`
  return caller.kind
}

export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller
}

/** What the caller may publish to, or read the history of. */
function grantsOf(caller: Caller): readonly string[] {
  if (caller.kind === 'open') return ['*']
  return caller.kind === 'key' ? caller.key.publish : caller.grant.watch
}

/** Whether the caller may read `entry` (a topic, or a keyed stream `topic#key`). */
export function mayRead(caller: Caller, entry: string): boolean {
  return grantsOf(caller).some((grant) => grantCovers(grant, entry))
}

/** Whether the caller holds any grant on `topic` (the whole topic or one of its keys). */
export function maySeeTopic(caller: Caller, topic: string): boolean {
  return grantsOf(caller).some(
    (grant) => grantCovers(grant, topic) || grant.startsWith(`${topic}#`),
  )
}

/** 403 unless the caller may publish to `topic`. */
export function assertMayPublish(caller: Caller, topic: string): void {
  if (caller.kind === 'open' || caller.kind === 'admin') return
  if (caller.kind === 'token') {
    throw new ApiError(403, 'forbidden', 'a subscriber token may not publish; use a publisher key')
  }
  if (!mayRead(caller, topic)) {
    throw new ApiError(403, 'forbidden', `key "${caller.key.name}" may not publish to "${topic}"`)
  }
}

/** 403 unless the caller may use the operator API: an admin token (anyone, in open mode). */
export function assertAdmin(caller: Caller): void {
  if (caller.kind === 'open' || caller.kind === 'admin') return
  const what = caller.kind === 'key' ? 'a publisher key' : 'the token'
  throw new ApiError(403, 'forbidden', `${what} is not an admin token`)
}

/** 403 unless the caller may create `topic`. */
export function assertMayCreate(caller: Caller, topic: string): void {
  assertMayPublish(caller, topic)
  if (caller.kind === 'key' && !caller.key.createTopics) {
    throw new ApiError(
      403,
      'forbidden',
      `key "${caller.key.name}" may not create topics, and "${topic}" does not exist`,
    )
  }
}

export interface CallerOptions {
  access: AccessConfig
  verifier: TokenVerifier | undefined
  /**
   * Which tokens are accepted besides publisher keys: any subscriber token (`true`: history and
   * the operator API, which checks `admin` itself), only admin tokens (`'admin'`: publishing), or
   * none.
   */
  tokens: boolean | 'admin'
}

/** Resolves the caller from `Authorization: Bearer …`, or answers 401. */
export function identifyCaller({ access, verifier, tokens }: CallerOptions): RequestHandler {
  return (req, res, next) => {
    if (access.open) {
      res.locals.caller = { kind: 'open' } satisfies Caller
      return next()
    }
    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1]
    if (bearer === undefined) {
      return next(unauthorized('unauthorized', 'Authorization: Bearer <key> is required'))
    }
    const key = access.keyring?.identify(bearer)
    if (key !== undefined) {
      res.locals.caller = { kind: 'key', key } satisfies Caller
      return next()
    }
    if (tokens === false || verifier === undefined || bearer.split('.').length !== 3) {
      return next(unauthorized('unauthorized', 'unknown key'))
    }
    verifier.verify(bearer).then(
      (grant) => {
        // Where only admins may use a token, any other token is refused as no key at all.
        if (tokens === 'admin' && !grant.admin) {
          return next(unauthorized('unauthorized', 'unknown key (and not an admin token)'))
        }
        res.locals.caller = (
          grant.admin ? { kind: 'admin', grant } : { kind: 'token', grant }
        ) satisfies Caller
        next()
      },
      (error: unknown) => {
        const refusal = error instanceof TokenError ? error : undefined
        next(unauthorized(refusal?.code ?? 'unauthorized', refusal?.message ?? 'unknown key'))
      },
    )
  }
}

function unauthorized(code: 'unauthorized' | 'token_expired', message: string): ApiError {
  return new ApiError(401, code, message, { 'WWW-Authenticate': 'Bearer realm="herald"' })
}
