import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** The menu-bar popover's size. */
export const POPOVER = { width: 380, height: 560 } as const;

/** Debian's Chromium, headless. A missing browser fails the run: e2e is not optional. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context the size of the popover; allowed the clipboard on `clipboardOrigin` (a secure one, such as 127.0.0.1). */
export async function popoverPage(browser: Browser, clipboardOrigin?: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: POPOVER, deviceScaleFactor: 2, colorScheme: 'light', reducedMotion: 'reduce' });
  if (clipboardOrigin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: clipboardOrigin });
  const page = await context.newPage();
  // Script errors and CSP refusals would otherwise pass unnoticed; HTTP error statuses are expected (error states).
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of \d+/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}
