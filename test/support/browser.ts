// Debian's Chromium driven by playwright-core: never a downloaded browser.

import { chromium, type Browser, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'

/** Where browser tests leave screenshots for a person to look at. */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'e2e')

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return chromium.launch({
    executablePath: process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // No GPU, no sandbox (root in CI), and none of Chromium's own traffic: this machine's
    // network is closed, and those connections only slow the browser down.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/**
 * One Chromium for the test file: `newPage()` opens a page that is closed after its test, and a
 * test fails on any uncaught error in its pages.
 */
export function usePages(): { newPage: () => Promise<Page> } {
  let browser: Browser | undefined
  const pages: Page[] = []
  const pageErrors: Error[] = []
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close()
    expect(pageErrors.splice(0)).toEqual([])
  })
  afterAll(async () => {
    await browser?.close()
  })
  return {
    async newPage() {
      if (browser === undefined) throw new Error('Chromium did not start')
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      pages.push(page)
      page.on('pageerror', (error) => pageErrors.push(error))
      return page
    },
  }
}
