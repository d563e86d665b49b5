import type { Page } from 'playwright-core';
import { expectNoAxeViolations } from './axe.js';

/** axe in the system's light appearance, then dark (prefers-color-scheme), back to light. */
export async function expectAccessibleInBothSchemes(page: Page, where: string): Promise<void> {
  await expectNoAxeViolations(page, `${where} (light)`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page, `${where} (dark)`);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** What a user could read or copy off the page: its text and every field's value. */
export async function visibleText(page: Page): Promise<string> {
  const values = await page.locator('input, textarea, select').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
  return [await page.locator('body').innerText(), ...values].join('\n');
}

/** The element that has keyboard focus: its text or label, and whether it shows a focus ring. */
export async function focused(page: Page): Promise<{ text: string; ring: boolean }> {
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { text: '', ring: false };
    const style = getComputedStyle(el);
    return { text: (el.getAttribute('aria-label') || el.textContent || '').trim(), ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
  })()`)) as { text: string; ring: boolean };
}

/** `export K='v'` lines back into variables (the inverse of the UI's shell quoting). */
export function parseExports(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.trim())
      .map((line) => {
        const m = /^export ([A-Za-z_][A-Za-z0-9_]*)='(.*)'$/.exec(line);
        if (!m) throw new Error(`not an export line: ${line.slice(0, 24)}…`);
        return [m[1], (m[2] ?? '').replace(/'\\''/g, "'")];
      }),
  );
}
