// The Vue client in real Chromium against the real stack, through nginx's entry point.

import type { PublishReceipt } from '@herald/shared'
import type { Page } from 'playwright-core'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { SCREENSHOT_DIR, usePages } from '../support/browser.js'
import { postAccepted } from '../support/http.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'

const stack = useTestStack({ producers: 2, consumers: 2 })
const { newPage } = usePages()

/** Opens the client watching `topics` and waits until it is live. */
async function openPage(topics: string[]): Promise<Page> {
  const page = await newPage()
  await page.goto(`${stack().url}/?topics=${topics.map(encodeURIComponent).join(',')}`)
  await page
    .locator('[data-testid="connection-state"][data-state="live"]')
    .waitFor({ timeout: 15_000 })
  return page
}

const notification = (page: Page, receipt: PublishReceipt) =>
  page.locator(
    `[data-testid="notification"][data-topic="${receipt.topic}"][data-partition="${receipt.partition}"][data-offset="${receipt.offset}"]`,
  )

const post = (topic: string, message: unknown, key?: string): Promise<PublishReceipt> =>
  postAccepted(stack().url, { topic, message, ...(key ? { key } : {}) })

/** Creates the topic and waits until the page shows its first record: the consumers read it. */
async function warmUp(page: Page, topic: string): Promise<void> {
  await notification(page, await post(topic, 'warm-up', 'k')).waitFor({ timeout: 20_000 })
}

describe('the client in Chromium', () => {
  it('shows a POSTed message on a page watching its topic, and not on another topic', async () => {
    const topic = uniqueTopic('page')
    const other = uniqueTopic('other-page')
    const page = await openPage([topic])
    const otherPage = await openPage([other])
    await warmUp(page, topic)
    await warmUp(otherPage, other)

    const receipt = await post(topic, { text: 'hello from the test' }, 'k')
    const item = notification(page, receipt)
    // How fast is the bench's to measure (README › Performance); a test only bounds the wait.
    await item.waitFor({ timeout: 20_000 })
    await expect(item.getByTestId('notification-message').textContent()).resolves.toContain(
      'hello from the test',
    )
    await expect(item.getByTestId('notification-key').textContent()).resolves.toContain('k')

    // The other page is live and receives its own topic, but never this one.
    const marker = await post(other, 'marker', 'k')
    await notification(otherPage, marker).waitFor({ timeout: 5000 })
    expect(
      await otherPage.locator(`[data-testid="notification"][data-topic="${topic}"]`).count(),
    ).toBe(0)
  })

  it('renders markup in a payload as text and never runs it', async () => {
    const topic = uniqueTopic('markup')
    const page = await openPage([topic])
    const payload =
      '<img src=x onerror="window.__injected=1"><script>window.__injected=2</script><b>bold?</b>'
    const receipt = await post(topic, payload)
    const message = notification(page, receipt).getByTestId('notification-message')
    await message.waitFor({ timeout: 20_000 })
    expect(await message.textContent()).toContain(payload)
    expect(
      await page
        .locator('[data-testid="notification"] img, [data-testid="notification"] b')
        .count(),
    ).toBe(0)
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: number }).__injected),
    ).toBeUndefined()
  })

  it('stays responsive through a burst of 1,000 messages and shows the latest', async () => {
    const topic = uniqueTopic('burst')
    const page = await openPage([topic])
    await warmUp(page, topic)

    let sent = 0
    const receipts: PublishReceipt[] = []
    const sender = async (): Promise<void> => {
      while (sent < 1000) {
        const seq = sent++
        receipts.push(await post(topic, { seq }, 'burst'))
      }
    }
    // While the burst arrives the page keeps painting frames and taking keystrokes.
    const burst = Promise.all(Array.from({ length: 16 }, sender))
    const input = page.getByTestId('topic-input')
    await input.fill('typed-during-burst')
    expect(await input.inputValue()).toBe('typed-during-burst')
    await burst

    const latest = receipts.reduce((a, b) => (Number(b.offset) > Number(a.offset) ? b : a))
    await notification(page, latest).waitFor({ timeout: 10_000 })
    const frame = page.evaluate(
      () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(1))),
    )
    await expect(frame).resolves.toBe(1)
    // Newest first: the first item is the latest record. 1,001 arrived (with the warm-up); the
    // page keeps the latest 1,000 of a topic and says that it dropped older ones.
    const first = page.getByTestId('notification').first()
    expect(await first.getAttribute('data-offset')).toBe(latest.offset)
    expect(await page.locator(`[data-testid="notification"][data-topic="${topic}"]`).count()).toBe(
      1000,
    )
    await expect(page.getByTestId('notification-count').textContent()).resolves.toContain('1000')
    await expect(page.getByTestId('dropped-notice').textContent()).resolves.toMatch(/1,?001/)
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'burst.png') })
  })

  it('reconnects by itself after its consumer instance dies, and shows new messages', async () => {
    const topic = uniqueTopic('reconnect')
    const page = await openPage([topic])
    await warmUp(page, topic)

    // Kill every consumer, so whichever one the page was on is gone.
    for (const name of ['consumer-1', 'consumer-2']) stack().supervisor.signal(name, 'SIGKILL')
    await page
      .locator('[data-testid="connection-state"][data-state="reconnecting"]')
      .waitFor({ timeout: 10_000 })
    await page
      .locator('[data-testid="connection-state"][data-state="live"]')
      .waitFor({ timeout: 30_000 })
    for (const name of ['consumer-1', 'consumer-2'])
      await stack().supervisor.waitReady(name, 60_000)

    // Records sent once the page is back are shown (what was missed meanwhile is issue 5's).
    const receipt = await post(topic, 'after the restart', 'k')
    await notification(page, receipt).waitFor({ timeout: 30_000 })
  })

  it('round-trips the send form: 202 result shown, message arrives; an API error is shown', async () => {
    const topic = uniqueTopic('form')
    const page = await openPage([topic])
    await warmUp(page, topic)

    await page.getByTestId('send-topic').fill(topic)
    await page.getByTestId('send-message').fill('{"from": "the form"}')
    const answered = page.waitForResponse((response) => response.url().endsWith('/notify'))
    await page.getByTestId('send-submit').click()
    const receipt = (await (await answered).json()) as PublishReceipt
    const result = page.getByTestId('send-result')
    await result.waitFor()
    expect(await result.textContent()).toMatch(
      new RegExp(`partition ${receipt.partition}.*offset ${receipt.offset}`, 's'),
    )
    const arrived = notification(page, receipt).getByTestId('notification-message')
    await arrived.waitFor({ timeout: 10_000 })
    expect(await arrived.textContent()).toContain('the form')

    await page.getByTestId('send-topic').fill('__reserved')
    await page.getByTestId('send-message').fill('x')
    await page.getByTestId('send-submit').click()
    await expect(page.getByTestId('send-error').textContent()).resolves.toContain(
      'reserved for Kafka',
    )
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'send-form.png') })
  })

  it('keeps the watched topics in the URL, validates them, and survives a reload', async () => {
    const first = uniqueTopic('url-a')
    const added = uniqueTopic('url-b')
    const page = await openPage([first])

    await page.getByTestId('topic-input').fill('not a topic')
    await page.getByTestId('topic-add').click()
    await expect(page.getByTestId('topic-error').textContent()).resolves.toContain(
      'may only contain',
    )

    await page.getByTestId('topic-input').fill(added)
    await page.getByTestId('topic-add').click()
    await page.locator(`[data-testid="topic-chip"][data-topic="${added}"]`).waitFor()
    expect(new URL(page.url()).searchParams.get('topics')?.split(',')).toEqual([first, added])

    await page.reload()
    await page
      .locator('[data-testid="connection-state"][data-state="live"]')
      .waitFor({ timeout: 15_000 })
    for (const topic of [first, added]) {
      await page.locator(`[data-testid="topic-chip"][data-topic="${topic}"]`).waitFor()
    }
    const receipt = await post(added, 'to the added topic')
    await notification(page, receipt).waitFor({ timeout: 20_000 })

    await page
      .locator(`[data-testid="topic-chip"][data-topic="${first}"]`)
      .getByTestId('topic-remove')
      .click()
    expect(new URL(page.url()).searchParams.get('topics')).toBe(added)
  })

  it('watches keyed streams from the URL and the topics panel, and sends to a key from the form', async () => {
    const topic = uniqueTopic('keyed-page')
    const mine = `${topic}#user-42`
    const typed = `${topic}#user 7,eu`
    const page = await openPage([mine])
    const inFeed = page.locator(`[data-testid="notification"][data-topic="${topic}"]`)
    // The topic is created by this first record of the key: once it shows, the consumers read it.
    await notification(page, await post(topic, 'first', 'user-42')).waitFor({ timeout: 20_000 })

    await post(topic, 'for someone else', 'user-43')
    await post(topic, 'for nobody in particular')
    const own = await post(topic, 'for user 42', 'user-42')
    const item = notification(page, own)
    await item.waitFor({ timeout: 5000 })
    await expect(item.getByTestId('notification-key').textContent()).resolves.toContain('user-42')
    // Records go out in offset order: the other keys' records came before this one, and none shows.
    expect(await inFeed.count()).toBe(2)

    await page.getByTestId('topic-input').fill(typed)
    await page.getByTestId('topic-add').click()
    await page.locator(`[data-testid="topic-chip"][data-topic="${typed}"]`).waitFor()
    // Each entry is encoded on its own: the key's "#", space and comma survive a reload.
    expect(new URL(page.url()).search).toBe(
      `?topics=${encodeURIComponent(mine)},${encodeURIComponent(typed)}`,
    )
    await page.reload()
    await page
      .locator('[data-testid="connection-state"][data-state="live"]')
      .waitFor({ timeout: 15_000 })
    for (const entry of [mine, typed]) {
      await page.locator(`[data-testid="topic-chip"][data-topic="${entry}"]`).waitFor()
    }

    await page.getByTestId('send-topic').fill(typed)
    await page.getByTestId('send-message').fill('"from the form"')
    await page.getByTestId('send-submit').click()
    await expect(page.getByTestId('send-key').inputValue()).resolves.toBe('user 7,eu')
    const sent = await page.getByTestId('send-result').textContent({ timeout: 5000 })
    const offset = /offset (\d+)/.exec(sent ?? '')?.[1]
    expect(offset).toBeDefined()
    const fromForm = page.locator(
      `[data-testid="notification"][data-topic="${topic}"][data-offset="${offset}"]`,
    )
    await fromForm.waitFor({ timeout: 5000 })
    await expect(fromForm.getByTestId('notification-key').textContent()).resolves.toContain(
      'user 7,eu',
    )
    await expect(fromForm.getByTestId('notification-message').textContent()).resolves.toContain(
      'from the form',
    )
    // After the reload the page is live from the reload on: only the form's record is new.
    await post(topic, 'for someone else again', 'user-43')
    const last = await post(topic, 'last for user 42', 'user-42')
    await notification(page, last).waitFor({ timeout: 5000 })
    expect(await inFeed.count()).toBe(2)
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'keyed-streams.png') })
  })
})
