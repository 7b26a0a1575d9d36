/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/server.js';

export { launchChromium } from './chromium.mjs';

export const SCREENSHOTS = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Signs in through the real login page. */
export async function signIn(context: BrowserContext, baseUrl: string, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your projects' }).waitFor();
  return page;
}

/** Selects the first occurrence of `passage` in the reader, as a mouse drag would, and releases the mouse. */
export async function selectPassage(page: Page, passage: string): Promise<void> {
  await page.evaluate((wanted) => {
    const reader = document.querySelector('[data-testid="reader"]')!;
    const walker = document.createTreeWalker(reader, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const at = node.data.indexOf(wanted);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      node.parentElement!.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      return;
    }
    throw new Error(`passage not found: ${wanted}`);
  }, passage);
}

/** The number of coding stripes the reader shows. */
export function stripes(page: Page) {
  return page.locator('.stripe');
}
