// Debian's Chromium driven by playwright-core: never a downloaded browser.

import { chromium, type Browser } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

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
