// Subscriber tokens: JWTs whose `watch` claim lists the entries a socket (or a history reader)
// may see. HS256 with a shared secret; RS256 / ES256 with a public key or the keys of a JWKS URL.
// `exp`, `sub` and `aud` are required (`admin: true` marks an operator's token), `iss` when one is configured; unsigned tokens (`alg: none`)
// and any algorithm not configured are refused before a signature is even looked at.

import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTHeaderParameters,
  type KeyObject,
} from 'jose'
import { createPublicKey } from 'node:crypto'

import { subscriptionProblem } from '../subscription.js'

export interface TokenSettings {
  /** HS256: the shared secret (at least 32 bytes). */
  secret?: string
  /** RS256 or ES256 (from the key's type): a PEM public key. */
  publicKeyPem?: string
  /** RS256 / ES256: where the signing keys are published. */
  jwksUrl?: string
  /** The `aud` a token must carry. */
  audience: string
  /** The `iss` a token must carry, when set. */
  issuer?: string
}

/** What a verified token grants. */
export interface TokenGrant {
  /** `sub`: who the token was issued to; limits count sockets per subject. */
  subject: string
  /** The entries (topics, patterns, keyed streams) it may watch. */
  watch: string[]
  /** `exp`, in milliseconds since the epoch. */
  expiresAt: number
  /** `admin: true`: an operator's token (the `/admin` routes, publishing anywhere). */
  admin: boolean
}

/** Why a token was refused: `token_expired` tells a client that a fresh token will do. */
export class TokenError extends Error {
  override readonly name = 'TokenError'

  constructor(
    readonly code: 'unauthorized' | 'token_expired',
    message: string,
  ) {
    super(message)
  }
}

/** Longest token accepted: the claims of a socket are a list of entries, not a document. */
export const MAX_TOKEN_LENGTH = 8192

type KeyFor = (header: JWTHeaderParameters) => Promise<CryptoKey | KeyObject | Uint8Array>

export class TokenVerifier {
  readonly #settings: TokenSettings
  readonly #algorithms: string[]
  readonly #keyFor: KeyFor

  constructor(settings: TokenSettings) {
    this.#settings = settings
    const secret =
      settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret)
    const publicKeyAlg =
      settings.publicKeyPem === undefined ? undefined : publicKeyAlgorithm(settings.publicKeyPem)
    const publicKey =
      settings.publicKeyPem === undefined || publicKeyAlg === undefined
        ? undefined
        : importSPKI(settings.publicKeyPem, publicKeyAlg)
    const jwks =
      settings.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(settings.jwksUrl))
    this.#algorithms = [
      ...(secret === undefined ? [] : ['HS256']),
      ...(publicKeyAlg === undefined ? [] : [publicKeyAlg]),
      ...(jwks === undefined ? [] : ['RS256', 'ES256']),
    ]
    this.#keyFor = async (header) => {
      if (header.alg === 'HS256' && secret !== undefined) return secret
      if (header.alg === publicKeyAlg && publicKey !== undefined) return publicKey
      if (jwks !== undefined) return jwks(header)
      throw new TokenError('unauthorized', `token signed with ${header.alg}, not accepted here`)
    }
  }

  /** The token's grant; rejects with TokenError saying what is wrong with it. */
  async verify(token: unknown): Promise<TokenGrant> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenError('unauthorized', 'a token is required (auth: {token} in the handshake)')
    }
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new TokenError('unauthorized', `token longer than ${MAX_TOKEN_LENGTH} characters`)
    }
    let payload
    try {
      ;({ payload } = await jwtVerify(token, this.#keyFor, {
        algorithms: [...new Set(this.#algorithms)],
        audience: this.#settings.audience,
        ...(this.#settings.issuer === undefined ? {} : { issuer: this.#settings.issuer }),
        requiredClaims: ['exp', 'sub'],
      }))
    } catch (error) {
      throw refusal(error)
    }
    const { sub, exp, watch, admin = false } = payload
    const problem =
      watchProblem(watch) ?? (typeof admin === 'boolean' ? undefined : 'admin must be a boolean')
    if (problem !== undefined) throw new TokenError('unauthorized', `token claim ${problem}`)
    return {
      subject: sub as string,
      watch: watch as string[],
      expiresAt: (exp as number) * 1000,
      admin: admin as boolean,
    }
  }
}

function watchProblem(watch: unknown): string | undefined {
  if (!Array.isArray(watch)) return 'watch must be an array of topics, patterns and keyed streams'
  for (const [index, entry] of watch.entries()) {
    const problem = subscriptionProblem(entry)
    if (problem !== undefined) return `watch[${index}]: ${problem}`
  }
  return undefined
}

export function publicKeyAlgorithm(pem: string): 'RS256' | 'ES256' {
  const type = createPublicKey(pem).asymmetricKeyType
  if (type === 'rsa') return 'RS256'
  if (type === 'ec') return 'ES256'
  throw new Error(`a ${type} public key: expected RSA (RS256) or EC P-256 (ES256)`)
}

/** A person-readable refusal; no detail of the keys themselves. */
function refusal(error: unknown): TokenError {
  if (error instanceof TokenError) return error
  if (error instanceof errors.JWTExpired) return new TokenError('token_expired', 'token expired')
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new TokenError('unauthorized', `token claim ${error.claim}: ${error.reason}`)
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError('unauthorized', 'token algorithm not accepted here')
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenError('unauthorized', 'token signature does not verify')
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new TokenError('unauthorized', 'no key of the JWKS matches the token')
  }
  if (error instanceof errors.JOSEError) {
    return new TokenError('unauthorized', `token is not a valid JWT (${error.code})`)
  }
  return new TokenError('unauthorized', 'token could not be verified')
}
