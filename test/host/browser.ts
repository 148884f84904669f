import * as fs from 'fs';
import * as path from 'path';
import { Tools } from './tools';

/** The few playwright-core calls we use, typed by hand because playwright-core lives in the tool cache. */
export interface Page {
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  goto(url: string, options?: { timeout?: number; waitUntil?: string }): Promise<unknown>;
  screenshot(options: { path: string; fullPage?: boolean; type?: 'png' | 'jpeg'; quality?: number; clip?: { x: number; y: number; width: number; height: number } }): Promise<unknown>;
  keyboard: { press(key: string): Promise<void>; type(text: string, options?: { delay?: number }): Promise<void> };
  mouse: { move(x: number, y: number, options?: { steps?: number }): Promise<void>; down(): Promise<void>; up(): Promise<void> };
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  waitForTimeout(ms: number): Promise<void>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  frames(): Frame[];
}

/** A frame of the page, such as a webview's document inside its iframes. */
export interface Frame {
  evaluate<T>(fn: () => T): Promise<T>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
}

export interface Locator {
  first(): Locator;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  click(options?: { modifiers?: ('Shift' | 'Control' | 'Meta' | 'Alt')[] }): Promise<void>;
  focus(): Promise<void>;
  press(key: string): Promise<void>;
  selectOption(value: string): Promise<unknown>;
  textContent(): Promise<string | null>;
  inputValue(): Promise<string>;
  count(): Promise<number>;
  nth(index: number): Locator;
}

export interface Browser {
  page: Page;
  close(): Promise<void>;
}

interface Chromium {
  launchPersistentContext(dir: string, options: object): Promise<{ pages(): Page[]; newPage(): Promise<Page>; close(): Promise<void> }>;
}

/** Launches Debian's chromium headless through playwright-core, with the flags this network needs. */
export async function launchBrowser(tools: Tools, profileDir: string, locale?: string): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded from the tool cache at run time
  const { chromium } = require(tools.playwright) as { chromium: Chromium };
  fs.mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(path.resolve(profileDir), {
    executablePath: tools.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    locale,
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
  const page = context.pages()[0] ?? (await context.newPage());
  return { page, close: () => context.close() };
}
