// The operator's page at /ops on a stack with access on, in real Chromium: nothing without an admin
// token, the API's refusal of a subscriber's token, then with the admin token the instances, a
// topic after a POST, a live tail that shows a POST, a test send from the page, and the history.
//
// It needs the operator's API (GET /admin/*, the `admin` claim) of the ops-api branch.

import type { PublishReceipt } from '@herald/shared'
import type { Page } from 'playwright-core'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { accessEnv, call, token } from '../support/access.js'
import { SCREENSHOT_DIR, usePages } from '../support/browser.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const BACKEND = 'hk_e2e_ops_backend_key_000000000001'
const stack = useTestStack({
  producers: 1,
  consumers: 2,
  serviceEnv: accessEnv([{ name: 'backend', key: BACKEND, publish: ['*'], createTopics: true }]),
})
const { newPage } = usePages()
/** Every URL the pages asked for: a token must never be among them. */
const requested: string[] = []

/** The token `npm run token -- --sub ops --watch '*' --admin` mints. */
const adminToken = (): Promise<string> => token('ops', ['*'], { admin: true })

async function openOps(fragment = ''): Promise<Page> {
  const page = await newPage()
  page.on('request', (request) => requested.push(request.url()))
  await page.goto(`${stack().url}/ops${fragment}`)
  return page
}

async function post(topic: string, message: string): Promise<PublishReceipt> {
  const answer = await call(`${stack().url}/notify`, {
    method: 'POST',
    bearer: BACKEND,
    body: { topic, message },
  })
  expect(answer.status).toBe(202)
  return answer.body as unknown as PublishReceipt
}

const itemAt = (page: Page, scope: string, { partition, offset }: PublishReceipt) =>
  page.locator(
    `[data-testid="${scope}"] [data-testid="notification"][data-partition="${partition}"][data-offset="${offset}"]`,
  )

describe('the operator page', () => {
  it('shows only that an admin token is required, and no data, without one', async () => {
    const page = await openOps()
    const missing = page.getByTestId('token-missing')
    await missing.waitFor({ timeout: 15_000 })
    await expect(missing.textContent()).resolves.toContain('An admin token is required')
    expect(await page.getByTestId('instance-row').count()).toBe(0)
    expect(await page.locator('#instances-heading').count()).toBe(0)
    expect(requested.some((url) => new URL(url).pathname.startsWith('/admin/'))).toBe(false)
  })

  it("shows the API's refusal of a token that is not an admin's", async () => {
    const page = await openOps(`#token=${await token('user-7', ['*'])}`)
    const refusal = page.getByTestId('api-error').first()
    await refusal.waitFor({ timeout: 15_000 })
    await expect(refusal.getAttribute('data-code')).resolves.toBe('forbidden')
    const answer = await call(`${stack().url}/admin/instances`, {
      bearer: await token('user-7', ['*']),
    })
    expect(answer.status).toBe(403)
    await expect(refusal.textContent()).resolves.toContain(answer.body.error?.message ?? '?')
    expect(await page.getByTestId('instance-row').count()).toBe(0)
  })

  it('shows the instances and a topic, tails a POST, sends from the page, and browses history', async () => {
    const admin = await adminToken()
    const topic = uniqueTopic('e2e-ops')
    const first = await post(topic, 'before the page')

    const page = await openOps(`#token=${admin}`)
    expect(new URL(page.url()).hash).toBe('')
    expect(requested.some((url) => url.includes(admin))).toBe(false)
    await expect(page.getByTestId('token-summary').textContent()).resolves.toContain('admin')

    // Every instance of the stack, by name.
    for (const name of ['producer-1', 'consumer-1', 'consumer-2']) {
      await page
        .locator(`[data-testid="instance-row"][data-name="${name}"]`)
        .waitFor({ timeout: 15_000 })
    }
    await page.getByTestId('group-lag').waitFor()

    // The topic, found by the server-side search, opens to its partition.
    await page.getByTestId('topics-search').fill(topic)
    const row = page.locator(`[data-testid="topic-row"][data-topic="${topic}"]`)
    await row.waitFor({ timeout: 15_000 })
    await row.getByTestId('topic-toggle').click()
    await page.getByTestId('partition-row').first().waitFor()

    // The live tail shows a POST made after it started.
    await page.getByTestId('tail-topic').fill(topic)
    await page.getByTestId('tail-start').click()
    await page.locator('[data-testid="tail-state"][data-state="live"]').waitFor({ timeout: 15_000 })
    // The page does not show the subscription's ack: the tail is subscribed once a probe POSTed
    // after the click arrives in it (a POST before the ack may precede the subscription).
    await page.getByTestId('tail-count').waitFor()
    const probes: PublishReceipt[] = []
    await waitUntil(
      async () => {
        for (const probe of probes)
          if ((await itemAt(page, 'tail-items', probe).count()) > 0) return true
        probes.push(await post(topic, 'probe'))
        return false
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'a probe in the live tail' },
    )
    const tailed = await post(topic, 'seen in the tail')
    await itemAt(page, 'tail-items', tailed).waitFor({ timeout: 20_000 })

    // A test send from the page is stored (202) and reaches the tail.
    await page.getByTestId('send-topic').fill(topic)
    await page.getByTestId('send-message').fill('sent by the operator')
    await page.getByTestId('send-submit').click()
    const stored = page.getByTestId('send-result')
    await stored.waitFor({ timeout: 15_000 })
    const receipt = /partition (\d+), offset (\d+)/.exec((await stored.textContent()) ?? '')
    expect(receipt).not.toBeNull()
    const sent = {
      topic,
      partition: Number(receipt?.[1]),
      offset: receipt?.[2] ?? '',
      timestamp: 0,
    }
    await itemAt(page, 'tail-items', sent).waitFor({ timeout: 20_000 })
    await expect(itemAt(page, 'tail-items', sent).textContent()).resolves.toContain(
      'sent by the operator',
    )

    // The history holds all three, read from Kafka.
    await page.getByTestId('history-topic').fill(topic)
    await page.getByTestId('history-open').click()
    for (const record of [first, tailed, sent]) {
      await itemAt(page, 'history-items', record).waitFor({ timeout: 15_000 })
    }
    // The topic's partition shows the consumer reading it, once that one has reported it.
    await page
      .locator('[data-testid="partition-row"][data-owner^="consumer-"]')
      .first()
      .waitFor({ timeout: 20_000 })
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'ops-page.png'), fullPage: true })
  })
})
