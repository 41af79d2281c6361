// Real headless Chromium (Debian's package) driven by playwright-core, for the customer's part of
// the journeys. CHROMIUM_PATH overrides where it is.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from './env.js';
import { tracked } from './teardown.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** No sandbox as root; no background traffic on a machine without internet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  // Closing twice is harmless: the file's own close, then this one if the file never got there.
  tracked(() => browser.close());
  return browser;
}

/** Save a screenshot under test-artifacts/ (kept by CI) when `step` fails, then rethrow. */
export async function withScreenshot<T>(page: Page, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const dir = path.join(projectRoot, 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * With SCREENSHOTS set (`npm run screenshots`), save the page as `<SCREENSHOTS>/<name>.png` (the
 * directory relative to the project root): the README's pictures of each step. Otherwise nothing.
 */
export async function stepShot(page: Page, name: string, o: { fullPage?: boolean } = {}): Promise<void> {
  const target = process.env.SCREENSHOTS;
  if (!target) return;
  const dir = path.resolve(projectRoot, target);
  mkdirSync(dir, { recursive: true });
  // Generated private keys are shown in read-only text areas: never in a published picture.
  await page.screenshot({
    path: path.join(dir, `${name}.png`),
    fullPage: o.fullPage ?? false,
    mask: [page.locator('textarea[readonly]')],
  });
}
