// Issues subscriber tokens signed with the shared secret (HS256): what `npm run token` prints and
// what a backend does for each user it lets watch. RS256/ES256 tokens come from the operator's
// own identity provider; herald only verifies those.

import { SignJWT } from 'jose'

export interface TokenClaims {
  /** Who the token is for; sockets are limited per subject. */
  subject: string
  /** What it may watch: topics, patterns (`user.42.*`, `*`) and keyed streams (`orders#user-42`). */
  watch: readonly string[]
  /** Seconds from now until it expires. */
  ttlSeconds: number
  /** An operator's token: the `/admin` routes, and publishing to any topic. */
  admin?: boolean
  audience?: string
  issuer?: string
}

export function signToken(secret: string, claims: TokenClaims): Promise<string> {
  const token = new SignJWT({ watch: [...claims.watch], ...(claims.admin ? { admin: true } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setAudience(claims.audience ?? 'herald')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + claims.ttlSeconds)
  if (claims.issuer !== undefined) token.setIssuer(claims.issuer)
  return token.sign(new TextEncoder().encode(secret))
}
