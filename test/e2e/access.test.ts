// The page on a stack with access on, in real Chromium: a token from the address's fragment (and
// gone from it at once), a pasted one, and the server's refusals shown as they come.

import type { PublishReceipt } from '@herald/shared'
import type { Page } from 'playwright-core'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { accessEnv, call, token } from '../support/access.js'
import { SCREENSHOT_DIR, usePages } from '../support/browser.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const BACKEND = 'hk_e2e_backend_key_00000000000001'
const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: accessEnv([{ name: 'backend', key: BACKEND, publish: ['*'], createTopics: true }]),
})
const { newPage } = usePages()
/** Every URL the pages asked for: a token must never be among them. */
const requested: string[] = []

async function openPage(path: string): Promise<Page> {
  const page = await newPage()
  page.on('request', (request) => requested.push(request.url()))
  await page.goto(`${stack().url}${path}`)
  return page
}

async function post(topic: string, message: string, key: string): Promise<PublishReceipt> {
  const answer = await call(`${stack().url}/notify`, {
    method: 'POST',
    bearer: BACKEND,
    body: { topic, message, key },
  })
  expect(answer.status).toBe(202)
  return answer.body as unknown as PublishReceipt
}

const live = (page: Page) =>
  page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 15_000 })

describe('the page with access on', () => {
  it('takes a token from the fragment, drops it from the address, and shows what it may watch', async () => {
    const topic = uniqueTopic('e2e-granted')
    const mine = `${topic}#user-42`
    const granted = await token('user-42', [mine])
    const page = await openPage(`/?topics=${encodeURIComponent(mine)}#token=${granted}`)
    await live(page)
    expect(new URL(page.url()).hash).toBe('')
    expect(requested.some((url) => url.includes(granted))).toBe(false)
    await expect(page.getByTestId('token-summary').textContent()).resolves.toContain('user-42')

    await post(topic, 'for someone else', 'user-43')
    const receipt = await post(topic, 'for user 42', 'user-42')
    await page
      .locator(`[data-testid="notification"][data-offset="${receipt.offset}"]`)
      .waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-testid="notification"]').count()).toBe(1)

    // A subscription outside the token: refused, and the page says which entry and why.
    await page.getByTestId('topic-input').fill(topic)
    await page.getByTestId('topic-add').click()
    const refusal = page.getByTestId('subscription-error')
    await refusal.waitFor({ timeout: 5000 })
    await expect(refusal.textContent()).resolves.toContain(`the token does not grant "${topic}"`)
    await expect(refusal.textContent()).resolves.toContain('forbidden')
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'access-refused.png') })
  })

  it('says why a page without a token is refused, and connects once one is pasted', async () => {
    const page = await openPage('/')
    const refused = page.getByTestId('connection-error')
    await refused.waitFor({ timeout: 15_000 })
    await expect(refused.textContent()).resolves.toContain('a token is required')
    await page.locator('[data-testid="connection-state"][data-state="offline"]').waitFor()

    await page.getByTestId('token-input').fill(await token('paster', ['*']))
    await page.getByTestId('token-use').click()
    await live(page)
    expect(await refused.count()).toBe(0)
  })

  it('shows an expired token as the reason', async () => {
    const page = await openPage(`/#token=${await token('late', ['*'], { ttlSeconds: -10 })}`)
    const refused = page.getByTestId('connection-error')
    await refused.waitFor({ timeout: 15_000 })
    await expect(refused.textContent()).resolves.toContain('token_expired')
  })
})
