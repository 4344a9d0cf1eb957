#!/usr/bin/env node
// herald-credentials: issues what access needs, for the native stack and for operators.
//   key    a new publisher key: its hash goes into the keys file, the key itself is printed once
//   token  a subscriber token (HS256) for the given claims, signed with the token secret
// Paths are relative to the repository (npm runs scripts there); the files are git-ignored.

import { generateKey, hashKey, signToken } from '@herald/shared/access'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'

const USAGE = `usage:
  npm run -s key -- --name NAME --publish PATTERN[,PATTERN…] [--create-topics] [--rate N] [--file F]
      adds a key to F (default .herald/keys.json, for HERALD_PUBLISHER_KEYS_FILE) and prints it
  npm run -s token -- --sub SUBJECT --watch ENTRY[,ENTRY…] [--ttl SECONDS] [--admin] [--audience A] [--issuer I]
      prints a token signed with HERALD_TOKEN_SECRET, HERALD_TOKEN_SECRET_FILE or
      .herald/token-secret (made on first use); --admin makes an operator's token (the /admin
      routes, publishing to any topic)`

const DEFAULT_KEYS_FILE = '.herald/keys.json'
const DEFAULT_SECRET_FILE = '.herald/token-secret'

class UsageError extends Error {}

const list = (value: string | undefined, flag: string): string[] => {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  if (items.length === 0) throw new UsageError(`${flag} is required`)
  return items
}

function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text, { mode: 0o600 })
  chmodSync(path, 0o600)
}

function key(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      publish: { type: 'string' },
      'create-topics': { type: 'boolean', default: false },
      rate: { type: 'string' },
      file: { type: 'string', default: DEFAULT_KEYS_FILE },
    },
  })
  const name = values.name ?? ''
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
    throw new UsageError('--name: 1 to 64 of [A-Za-z0-9._-]')
  const publish = list(values.publish, '--publish')
  const rate = values.rate === undefined ? undefined : Number(values.rate)
  if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) {
    throw new UsageError('--rate: a positive integer (notifications per second)')
  }
  const file = values.file
  const keys = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { name: string }[])
    : []
  if (keys.some((existing) => existing.name === name)) {
    throw new UsageError(`${file} already has a key named "${name}"; choose another name`)
  }
  const issued = generateKey()
  keys.push({
    name,
    sha256: hashKey(issued),
    publish,
    createTopics: values['create-topics'],
    ...(rate === undefined ? {} : { publishRate: rate }),
  } as { name: string })
  writePrivate(file, `${JSON.stringify(keys, null, 2)}\n`)
  process.stderr.write(
    `key "${name}" added to ${file} (its SHA-256 only; this is the one time the key is shown).\n` +
      `Publish with: curl -H "Authorization: Bearer $KEY" …; run with HERALD_PUBLISHER_KEYS_FILE=${file}\n`,
  )
  process.stdout.write(`${issued}\n`)
}

function tokenSecret(): string {
  if (process.env.HERALD_TOKEN_SECRET) return process.env.HERALD_TOKEN_SECRET
  const file = process.env.HERALD_TOKEN_SECRET_FILE || DEFAULT_SECRET_FILE
  if (!existsSync(file)) {
    writePrivate(file, `${randomBytes(48).toString('base64url')}\n`)
    process.stderr.write(
      `made a token secret in ${file}; run with HERALD_TOKEN_SECRET_FILE=${file}\n`,
    )
  }
  return readFileSync(file, 'utf8').trim()
}

async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sub: { type: 'string' },
      watch: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      admin: { type: 'boolean', default: false },
      audience: { type: 'string' },
      issuer: { type: 'string' },
    },
  })
  if (!values.sub) throw new UsageError('--sub is required')
  const ttlSeconds = Number(values.ttl)
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new UsageError('--ttl: seconds, > 0')
  const signed = await signToken(tokenSecret(), {
    subject: values.sub,
    watch: list(values.watch, '--watch'),
    ttlSeconds,
    admin: values.admin,
    audience: values.audience ?? process.env.HERALD_TOKEN_AUDIENCE ?? 'herald',
    ...((values.issuer ?? process.env.HERALD_TOKEN_ISSUER)
      ? { issuer: values.issuer ?? process.env.HERALD_TOKEN_ISSUER }
      : {}),
  })
  process.stdout.write(`${signed}\n`)
}

const [command = '', ...rest] = process.argv.slice(2)
const commands: Record<string, (args: string[]) => void | Promise<void>> = { key, token }
const run = commands[command]
Promise.resolve()
  .then(() => {
    if (run === undefined) throw new UsageError(`unknown command "${command}"`)
    return run(rest)
  })
  .catch((error: unknown) => {
    process.stderr.write(`herald: ${error instanceof Error ? error.message : String(error)}\n`)
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${USAGE}\n`)
    }
    process.exit(1)
  })
