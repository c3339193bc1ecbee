import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, chromiumAvailable, launchChromium, openPage, serveStatic, type BuiltApp } from '@nn/browser-testing';
import type { ThreadChecks } from './fixtures/threads/checks.js';

describe.skipIf(!chromiumAvailable())('MatMul on Web Workers in Chromium', () => {
  let app: BuiltApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await buildApp(fileURLToPath(new URL('./fixtures/threads/', import.meta.url)), { build: { target: 'es2022' }, worker: { format: 'es' } });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    app?.remove();
  });

  /** Serves the fixture page (isolated or not) and returns what it checked in its main thread and in its worker. */
  async function run(isolated: boolean) {
    const server = await serveStatic(app.dir, { isolated });
    try {
      const { page, errors, log } = await openPage(browser, server.url);
      const result = page.getByTestId('result');
      await expect.poll(() => result.textContent(), { timeout: 30_000 }).not.toBe('running');
      const checks = JSON.parse((await result.textContent())!) as { main: ThreadChecks; worker: ThreadChecks };
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      await page.close();
      return { ...checks, cores, errors, log };
    } finally {
      await server.close();
    }
  }

  it('shares large matmuls with workers on an isolated page, bit-identical to one thread, in the page and in a worker', async () => {
    const { main, worker, cores, errors, log } = await run(true);
    expect(errors, log.join('\n')).toEqual([]);
    const threads = Math.min(cores, 16);
    // The page's main thread may not block, so it spins for the workers; a dedicated worker blocks in Atomics.wait.
    expect([main.canBlock, worker.canBlock]).toEqual([false, true]);
    for (const checks of [main, worker]) {
      expect(checks).toMatchObject({ isolated: true, sharedHeap: true, workers: threads - 1, numThreads: threads });
      for (const p of checks.products) expect(p).toEqual({ shape: p.shape, shared: threads > 1, threads, identical: true });
    }
  }, 60_000);

  it('falls back to one thread without isolation, with no console errors', async () => {
    const { main, worker, errors, log } = await run(false);
    expect(errors, log.join('\n')).toEqual([]);
    for (const checks of [main, worker]) {
      expect(checks).toMatchObject({ isolated: false, sharedHeap: false, canBlock: null, workers: 0, numThreads: 1 });
      for (const p of checks.products) expect(p).toEqual({ shape: p.shape, shared: false, threads: 1, identical: true });
    }
  }, 60_000);
});
