// Real signatures (jose), real keys, a real HTTP server for the JWKS: the verifier is pure logic
// around them, so these tests cover it end to end without a stack.

import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { MAX_TOKEN_LENGTH, TokenVerifier } from '../../src/access/tokens.js'

const SECRET = 'a-shared-secret-of-at-least-32-bytes!'
const hour = (): number => Math.floor(Date.now() / 1000) + 3600

function hs256(claims: JWTPayload, secret = SECRET): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret))
}

const base = { sub: 'user-42', aud: 'herald', watch: ['user.42.*', 'orders#user-42'] }

describe('TokenVerifier with a shared secret (HS256)', () => {
  const verifier = new TokenVerifier({ secret: SECRET, audience: 'herald', issuer: 'shop' })

  it('grants the watch claim to its subject until exp', async () => {
    const exp = hour()
    const grant = await verifier.verify(await hs256({ ...base, iss: 'shop', exp }))
    expect(grant).toEqual({
      subject: 'user-42',
      watch: base.watch,
      expiresAt: exp * 1000,
      admin: false,
    })
  })

  it('carries an admin claim of true, and false when absent', async () => {
    const claims = { ...base, iss: 'shop', exp: hour() }
    expect(await verifier.verify(await hs256({ ...claims, admin: true }))).toMatchObject({
      admin: true,
    })
    expect(await verifier.verify(await hs256({ ...claims, admin: false }))).toMatchObject({
      admin: false,
    })
  })

  it.each([
    ['no token', undefined, 'unauthorized', /a token is required/],
    ['an empty token', '', 'unauthorized', /a token is required/],
    ['garbage', 'not.a.jwt', 'unauthorized', /not a valid JWT/],
    ['a huge token', 'x'.repeat(MAX_TOKEN_LENGTH + 1), 'unauthorized', /longer than/],
  ])('refuses %s', async (_label, token, code, message) => {
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message) as string,
    })
  })

  it('says token_expired for an expired token', async () => {
    const token = await hs256({ ...base, iss: 'shop', exp: Math.floor(Date.now() / 1000) - 10 })
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'token_expired' })
  })

  it.each([
    ['without exp', { ...base, iss: 'shop' }, /exp/],
    ['without sub', { aud: 'herald', iss: 'shop', watch: [], exp: hour() }, /sub/],
    ['for another audience', { ...base, aud: 'other', iss: 'shop', exp: hour() }, /aud/],
    ['from another issuer', { ...base, iss: 'evil', exp: hour() }, /iss/],
    [
      'without a watch claim',
      { sub: 'u', aud: 'herald', iss: 'shop', exp: hour() },
      /watch must be an array/,
    ],
    ['with a bad watch entry', { ...base, watch: ['a b'], iss: 'shop', exp: hour() }, /watch\[0\]/],
    ['with a non-boolean admin', { ...base, admin: 'yes', iss: 'shop', exp: hour() }, /admin/],
    ['with an admin of 1', { ...base, admin: 1, iss: 'shop', exp: hour() }, /admin/],
  ])('refuses a token %s', async (_label, claims, message) => {
    await expect(verifier.verify(await hs256(claims))).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(message) as string,
    })
  })

  it('refuses a token signed with another secret', async () => {
    const token = await hs256({ ...base, iss: 'shop', exp: hour() }, `${SECRET}-other`)
    await expect(verifier.verify(token)).rejects.toMatchObject({
      message: /signature does not verify/,
    })
  })

  it('refuses an unsigned token (alg: none)', async () => {
    const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url')
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...base, iss: 'shop', exp: hour() })}.`
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('refuses an RS256 token when only a secret is configured', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    const token = await new SignJWT({ ...base, iss: 'shop', exp: hour() })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey)
    await expect(verifier.verify(token)).rejects.toMatchObject({
      message: /algorithm not accepted/,
    })
  })
})

describe.each(['RS256', 'ES256'] as const)('TokenVerifier with a %s public key', (alg) => {
  it('accepts what the private key signed, and nothing else', async () => {
    const signer = await generateKeyPair(alg, { extractable: true })
    const stranger = await generateKeyPair(alg)
    const verifier = new TokenVerifier({
      publicKeyPem: await exportSPKI(signer.publicKey),
      audience: 'herald',
    })
    const sign = (key: CryptoKey): Promise<string> =>
      new SignJWT({ ...base, exp: hour() }).setProtectedHeader({ alg }).sign(key)
    await expect(verifier.verify(await sign(signer.privateKey))).resolves.toMatchObject({
      subject: 'user-42',
    })
    await expect(verifier.verify(await sign(stranger.privateKey))).rejects.toMatchObject({
      message: /signature does not verify/,
    })
    await expect(verifier.verify(await hs256({ ...base, exp: hour() }))).rejects.toMatchObject({
      message: /algorithm not accepted/,
    })
  })
})

describe('TokenVerifier with a JWKS URL', () => {
  let server: Server
  let url: string
  let signer: CryptoKeyPair
  let requests = 0

  beforeAll(async () => {
    signer = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
    server = createServer((_request, response) => {
      requests += 1
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ keys: [jwk] }))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    url = `http://127.0.0.1:${address.port}/jwks.json`
  })
  afterAll(() => server.close())

  it('verifies with the key the JWKS names, fetched once', async () => {
    const verifier = new TokenVerifier({ jwksUrl: url, audience: 'herald' })
    const sign = (kid: string): Promise<string> =>
      new SignJWT({ ...base, exp: hour() })
        .setProtectedHeader({ alg: 'ES256', kid })
        .sign(signer.privateKey)
    await expect(verifier.verify(await sign('k1'))).resolves.toMatchObject({ subject: 'user-42' })
    await expect(verifier.verify(await sign('k1'))).resolves.toMatchObject({ subject: 'user-42' })
    expect(requests).toBe(1)
    await expect(verifier.verify(await sign('k2'))).rejects.toMatchObject({ code: 'unauthorized' })
  })
})
