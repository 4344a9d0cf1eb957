// Who may publish and who may watch, read from the environment in each service's config. Nothing
// is open by accident: without publisher keys (the producer) or a token key (both services) the
// configuration is refused, unless HERALD_OPEN_ACCESS=true says, on purpose, that anyone may.

import { readFileSync } from 'node:fs'

import type { EnvReader } from '../env.js'
import { parsePublisherKeys, type PublisherKeyring } from './publisher-keys.js'
import { publicKeyAlgorithm, type TokenSettings } from './tokens.js'

export type AccessConfig =
  | { open: true }
  | {
      open: false
      /** The producer's keys; absent in the consumer, which takes no publishers. */
      keyring?: PublisherKeyring
      tokens: TokenSettings
    }

const KEYS_VARS = ['HERALD_PUBLISHER_KEYS', 'HERALD_PUBLISHER_KEYS_FILE']
const TOKEN_VARS = [
  'HERALD_TOKEN_SECRET',
  'HERALD_TOKEN_SECRET_FILE',
  'HERALD_TOKEN_PUBLIC_KEY',
  'HERALD_TOKEN_PUBLIC_KEY_FILE',
  'HERALD_TOKEN_JWKS_URL',
]
/** HS256's key must be at least as long as its hash (RFC 7518 §3.2). */
const MIN_SECRET_BYTES = 32

export function readAccessEnv(
  read: EnvReader,
  { publishers }: { publishers: boolean },
): AccessConfig {
  const open = read.bool('HERALD_OPEN_ACCESS', false)
  const given = [...(publishers ? KEYS_VARS : []), ...TOKEN_VARS].filter(
    (name) => read.string(name, '') !== '',
  )
  if (open) {
    if (given.length > 0) {
      read.problem(`HERALD_OPEN_ACCESS=true with ${given.join(', ')} set: choose open or keys`)
    }
    return { open: true }
  }
  const tokens = readTokenSettings(read)
  const keyring = publishers ? readKeyring(read) : undefined
  return { open: false, tokens, ...(keyring === undefined ? {} : { keyring }) }
}

function readKeyring(read: EnvReader): PublisherKeyring | undefined {
  const inline = read.string('HERALD_PUBLISHER_KEYS', '')
  const file = read.string('HERALD_PUBLISHER_KEYS_FILE', '')
  if (inline !== '' && file !== '') {
    read.problem('HERALD_PUBLISHER_KEYS and HERALD_PUBLISHER_KEYS_FILE: set one, not both')
    return undefined
  }
  if (inline === '' && file === '') {
    read.problem(
      'no publisher keys: set HERALD_PUBLISHER_KEYS_FILE (or HERALD_PUBLISHER_KEYS) to a JSON array of keys — README › Access — or HERALD_OPEN_ACCESS=true to let anyone publish',
    )
    return undefined
  }
  const source = inline !== '' ? 'HERALD_PUBLISHER_KEYS' : 'HERALD_PUBLISHER_KEYS_FILE'
  const json = inline !== '' ? inline : readText(read, source, file)
  if (json === undefined) return undefined
  const parsed = parsePublisherKeys(json, source)
  if (!parsed.ok) {
    for (const problem of parsed.problems) read.problem(problem)
    return undefined
  }
  return parsed.keyring
}

function readTokenSettings(read: EnvReader): TokenSettings {
  const secret = readSecret(read)
  const inlinePem = read.string('HERALD_TOKEN_PUBLIC_KEY', '')
  const pemFile = read.string('HERALD_TOKEN_PUBLIC_KEY_FILE', '')
  const jwksUrl = read.string('HERALD_TOKEN_JWKS_URL', '')
  const issuer = read.string('HERALD_TOKEN_ISSUER', '')
  const settings: TokenSettings = { audience: read.string('HERALD_TOKEN_AUDIENCE', 'herald') }
  if (issuer !== '') settings.issuer = issuer
  if (secret !== '') {
    if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      read.problem(`HERALD_TOKEN_SECRET: at least ${MIN_SECRET_BYTES} bytes for HS256`)
    }
    settings.secret = secret
  }
  if (inlinePem !== '' && pemFile !== '') {
    read.problem('HERALD_TOKEN_PUBLIC_KEY and HERALD_TOKEN_PUBLIC_KEY_FILE: set one, not both')
  }
  const pem =
    inlinePem !== ''
      ? inlinePem
      : pemFile !== ''
        ? readText(read, 'HERALD_TOKEN_PUBLIC_KEY_FILE', pemFile)
        : undefined
  if (pem !== undefined) {
    try {
      publicKeyAlgorithm(pem)
      settings.publicKeyPem = pem
    } catch (error) {
      read.problem(`HERALD_TOKEN_PUBLIC_KEY: ${(error as Error).message}`)
    }
  }
  if (jwksUrl !== '') {
    if (/^https?:\/\/[^/]/.test(jwksUrl)) settings.jwksUrl = jwksUrl
    else read.problem('HERALD_TOKEN_JWKS_URL: expected an http(s) URL')
  }
  if (secret === '' && pem === undefined && jwksUrl === '') {
    read.problem(
      'no token key: set HERALD_TOKEN_SECRET(_FILE) (HS256), HERALD_TOKEN_PUBLIC_KEY(_FILE) (RS256/ES256) or HERALD_TOKEN_JWKS_URL — README › Access — or HERALD_OPEN_ACCESS=true to let anyone watch',
    )
  }
  return settings
}

/** HERALD_TOKEN_SECRET, or the first line of HERALD_TOKEN_SECRET_FILE; '' when neither is set. */
function readSecret(read: EnvReader): string {
  const inline = read.string('HERALD_TOKEN_SECRET', '')
  const file = read.string('HERALD_TOKEN_SECRET_FILE', '')
  if (inline !== '' && file !== '') {
    read.problem('HERALD_TOKEN_SECRET and HERALD_TOKEN_SECRET_FILE: set one, not both')
  }
  if (inline !== '' || file === '') return inline
  return readText(read, 'HERALD_TOKEN_SECRET_FILE', file)?.trim() ?? ''
}

function readText(read: EnvReader, name: string, path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    read.problem(`${name}=${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`)
    return undefined
  }
}
