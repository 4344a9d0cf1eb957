// The key and token commands as an operator runs them: their output must be what the services
// accept.

import { parsePublisherKeys, TokenVerifier } from '@herald/shared/access'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const CLI = join(import.meta.dirname, '..', 'dist', 'credentials-cli.js')
const dir = mkdtempSync(join(tmpdir(), 'herald-credentials-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = (args: string[], env: Record<string, string> = {}): string =>
  execFileSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim()

describe('npm run key', () => {
  it('prints a key once and keeps only its hash, in a file the producer reads', () => {
    const file = join(dir, 'keys.json')
    const first = run(['key', '--name', 'billing', '--publish', 'orders,orders.*', '--file', file])
    const second = run([
      'key',
      '--name',
      'mailer',
      '--publish',
      'mail',
      '--create-topics',
      '--rate',
      '50',
      '--file',
      file,
    ])
    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain(first)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const parsed = parsePublisherKeys(text, file)
    if (!parsed.ok) throw new Error(parsed.problems.join('; '))
    expect(parsed.keyring.identify(first)).toEqual({
      name: 'billing',
      publish: ['orders', 'orders.*'],
      createTopics: false,
    })
    expect(parsed.keyring.identify(second)).toEqual({
      name: 'mailer',
      publish: ['mail'],
      createTopics: true,
      publishRate: 50,
    })
  })

  it('refuses a name already in the file', () => {
    const file = join(dir, 'twice.json')
    run(['key', '--name', 'a', '--publish', 'x', '--file', file])
    expect(() => run(['key', '--name', 'a', '--publish', 'x', '--file', file])).toThrow(
      /already has a key named "a"/,
    )
  })
})

describe('npm run token', () => {
  it('signs the given claims with the secret file it makes on first use', async () => {
    const secretFile = join(dir, 'token-secret')
    const token = run(
      ['token', '--sub', 'user-42', '--watch', 'orders#user-42,user.42.*', '--ttl', '120'],
      {
        HERALD_TOKEN_SECRET_FILE: secretFile,
      },
    )
    const secret = readFileSync(secretFile, 'utf8').trim()
    const grant = await new TokenVerifier({ secret, audience: 'herald' }).verify(token)
    expect(grant.subject).toBe('user-42')
    expect(grant.watch).toEqual(['orders#user-42', 'user.42.*'])
    expect(grant.expiresAt - Date.now()).toBeGreaterThan(100_000)
    expect(grant.expiresAt - Date.now()).toBeLessThanOrEqual(120_000)
    expect(grant.admin).toBe(false)
  })

  it('marks an operator token with --admin', async () => {
    const secret = 'a-secret-for-the-admin-token-test-0123456789'
    const token = run(['token', '--sub', 'ops', '--watch', '*', '--admin', '--ttl', '3600'], {
      HERALD_TOKEN_SECRET: secret,
    })
    const grant = await new TokenVerifier({ secret, audience: 'herald' }).verify(token)
    expect(grant).toMatchObject({ subject: 'ops', watch: ['*'], admin: true })
  })

  it('says what is missing', () => {
    expect(() => run(['token', '--watch', 'x'])).toThrow(/--sub is required/)
  })
})
