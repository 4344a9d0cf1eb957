// The page's recovery in real Chromium: every consumer killed mid-stream leaves no hole and no
// double; a notification lost on the wire is noticed and fetched again; a gap Kafka can no
// longer fill is said on the page.

import type { PublishReceipt } from '@herald/shared'
import { deleteRecordsWithKafkaTools } from '@herald/stack'
import type { Browser, Page } from 'playwright-core'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js'
import { postAccepted } from '../support/http.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 2, consumers: 2 })
let browser: Browser
let page: Page | undefined

beforeAll(async () => {
  browser = await launchChromium()
})

afterEach(async () => {
  await page?.close()
})

afterAll(async () => {
  await browser?.close()
})

async function openPage(topic: string): Promise<Page> {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.goto(`${stack().url}/?topics=${topic}`)
  await page
    .locator('[data-testid="connection-state"][data-state="live"]')
    .waitFor({ timeout: 15_000 })
  return page
}

const post = (topic: string, message: unknown, key = 'k'): Promise<PublishReceipt> =>
  postAccepted(stack().url, { topic, message, key })

const shownOffsets = (p: Page, topic: string): Promise<string[]> =>
  p
    .locator(`[data-testid="notification"][data-topic="${topic}"]`)
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-offset') ?? ''))

describe('recovery in the page', () => {
  it('ends with each record exactly once when every consumer is SIGKILLed mid-stream', async () => {
    const topic = uniqueTopic('page-crash')
    const page = await openPage(topic)
    const receipts = [await post(topic, 'first')]
    await page
      .locator(`[data-testid="notification"][data-offset="${receipts[0]?.offset}"]`)
      .waitFor({ timeout: 20_000 })

    for (let i = 0; i < 150; i++) {
      if (i === 50)
        for (const name of ['consumer-1', 'consumer-2']) stack().supervisor.signal(name, 'SIGKILL')
      receipts.push(await post(topic, { i }))
    }
    // One key, one partition: every offset from the first to the last, each once.
    const expected = receipts.map((r) => r.offset)
    await waitUntil(async () => (await shownOffsets(page, topic)).length >= expected.length, {
      timeoutMs: 60_000,
      what: `${expected.length} notifications on the page`,
    })
    const shown = await shownOffsets(page, topic)
    expect(shown).toHaveLength(expected.length)
    expect(new Set(shown)).toEqual(new Set(expected))
    // Newest first, in offset order.
    expect(shown).toEqual([...expected].reverse())
    expect(await page.getByTestId('recovery-gap').count()).toBe(0)
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'after-consumer-crash.png') })
  })

  it('notices an offset skipped on the wire, fetches it again and shows each record once', async () => {
    const topic = uniqueTopic('page-hole')
    const opened = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page = opened
    // Between the page and the server: after the upgrade to WebSocket, the first live
    // "drop-me" notification is dropped, as a faulty server or proxy would; replays pass.
    let upgraded = false
    let dropped = 0
    await opened.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer()
      ws.onMessage((frame) => {
        if (frame === '5') upgraded = true
        server.send(frame)
      })
      server.onMessage((frame) => {
        const isVictim =
          typeof frame === 'string' &&
          frame.startsWith('42["notification"') &&
          frame.includes('"drop-me"')
        if (isVictim && dropped++ === 0) return
        ws.send(frame)
      })
    })
    await opened.goto(`${stack().url}/?topics=${topic}`)
    await opened
      .locator('[data-testid="connection-state"][data-state="live"]')
      .waitFor({ timeout: 15_000 })
    await waitUntil(() => upgraded, { timeoutMs: 10_000, what: 'the upgrade to WebSocket' })

    const receipts = [await post(topic, 'before')]
    await opened
      .locator(`[data-testid="notification"][data-offset="${receipts[0]?.offset}"]`)
      .waitFor({ timeout: 20_000 })
    receipts.push(await post(topic, 'drop-me'), await post(topic, 'after'))

    const note = opened.locator(`[data-testid="recovery-note"][data-topic="${topic}"]`)
    await note.waitFor({ timeout: 20_000 })
    expect(dropped).toBe(2)
    const expected = receipts.map((r) => r.offset)
    await waitUntil(async () => (await shownOffsets(opened, topic)).length >= expected.length, {
      timeoutMs: 10_000,
      what: `${expected.length} notifications on the page`,
    })
    expect(await shownOffsets(opened, topic)).toEqual([...expected].reverse())
    expect(await note.textContent()).toMatch(/recovered/)
  })

  it('says so when records it missed are older than the retention', async () => {
    const topic = uniqueTopic('page-gap')
    await post(topic, 'before')
    const page = await openPage(topic)
    const seen = await post(topic, 'seen')
    await page
      .locator(`[data-testid="notification"][data-offset="${seen.offset}"]`)
      .waitFor({ timeout: 20_000 })

    await page.context().setOffline(true)
    await page
      .locator('[data-testid="connection-state"]:not([data-state="live"])')
      .waitFor({ timeout: 30_000 })
    const missed = [
      await post(topic, 'missed 1'),
      await post(topic, 'missed 2'),
      await post(topic, 'kept'),
    ]
    // Retention takes the first two records the page missed.
    const target = { distribution: stack().kafka, brokers: stack().kafkaBrokers }
    await deleteRecordsWithKafkaTools(
      target,
      topic,
      seen.partition,
      Number(missed[2]?.offset),
      stack().dataDir,
    )
    await page.context().setOffline(false)

    const gap = page.locator(`[data-testid="recovery-gap"][data-topic="${topic}"]`)
    await gap.waitFor({ timeout: 30_000 })
    expect(await gap.textContent()).toMatch(/retention/i)
    await page
      .locator(`[data-testid="notification"][data-offset="${missed[2]?.offset}"]`)
      .waitFor({ timeout: 10_000 })
    expect(await shownOffsets(page, topic)).not.toContain(missed[0]?.offset)
  })
})
