// What machines can check of a page a person uses: axe-core's rules at a desktop width (the
// serious and critical violations), and no sideways scrolling at a phone's width. axe-core is
// evaluated in the page through playwright-core (no script tag, so the pages' CSP does not apply).
// With SCREENSHOTS set (`npm run screenshots`), each checked page is also saved at both widths.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { stepShot } from './browser.js';

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const BLOCKING = new Set(['serious', 'critical']);

interface AxeResults {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown[] }[];
  }[];
}

/** Wait for the layout of a new viewport size. (Scripts in the page are strings: no DOM types here.) */
const settle = (page: Page) =>
  page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

/** axe-core's serious and critical violations on the page, one line each. */
async function violations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(axeSource);
  const results = await page.evaluate<AxeResults>("axe.run({ resultTypes: ['violations'] })");
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}

/** Sideways scrolling at the phone's width, with the elements that stick out. */
async function overflow(page: Page, where: string): Promise<string[]> {
  const found = await page.evaluate<{ width: number; innerWidth: number; wide: string[] } | null>(`(() => {
    const width = document.scrollingElement.scrollWidth;
    if (width <= innerWidth + 1) return null;
    const out = (e) => e.getBoundingClientRect().right > innerWidth + 1;
    const describe = (e) =>
      e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className : '');
    // The innermost elements that stick out: what to fix.
    const wide = [...document.body.querySelectorAll('*')]
      .filter((e) => out(e) && ![...e.children].some(out))
      .slice(0, 5)
      .map(describe);
    return { width, innerWidth, wide };
  })()`);
  return found
    ? [
        `${where}: scrolls sideways at ${found.innerWidth} px (${found.width} px wide): ${found.wide.join(', ')}`,
      ]
    : [];
}

/**
 * Check the page where it is: axe at 1280 px, overflow at 390 px (screenshots of both when asked,
 * named `<area>-<name>-<width>.png`). Returns the problems found; the viewport is left at 1280 px.
 */
export async function checkPage(page: Page, area: string, name: string): Promise<string[]> {
  const where = `${area}-${name} (${new URL(page.url()).pathname})`;
  await page.setViewportSize(DESKTOP);
  await settle(page);
  const problems = await violations(page, where);
  await stepShot(page, `${area}-${name}-${DESKTOP.width}`, { fullPage: true });
  await page.setViewportSize(PHONE);
  await settle(page);
  problems.push(...(await overflow(page, where)));
  await stepShot(page, `${area}-${name}-${PHONE.width}`, { fullPage: true });
  await page.setViewportSize(DESKTOP);
  await settle(page);
  return problems;
}
