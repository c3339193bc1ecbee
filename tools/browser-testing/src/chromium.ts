/**
 * Debian's chromium driven by playwright-core (Playwright cannot download its own browsers here). WebGPU is
 * enabled and runs on SwiftShader (a CPU Vulkan driver shipped with chromium), so no GPU is needed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env.NN_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run here (CI installs Debian's chromium; see .ci/run). */
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

const ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) throw new Error(`launchChromium: no chromium at ${CHROMIUM} (apt-get install chromium, or set NN_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions (page and workers) and failed requests, in order. */
  errors: string[];
  /** Every console line (type: text), for debugging a failure. */
  log: string[];
}

/**
 * Opens a new page that records every console error, uncaught exception and failed request, so a test can
 * assert that a page "logs no errors" (`expect(errors).toEqual([])`).
 */
export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const log: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    log.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('worker', (w) => {
    w.on('console', onConsole);
  });
  await page.goto(url);
  return { page, errors, log };
}
