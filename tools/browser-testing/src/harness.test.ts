import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildApp, chromiumAvailable, launchChromium, openPage, serveStatic, type BuiltApp, type StaticServer } from './index.js';

describe.skipIf(!chromiumAvailable())('browser harness', () => {
  let app: BuiltApp;
  let browser: Browser;
  const servers: StaticServer[] = [];
  beforeAll(async () => {
    app = await buildApp(fileURLToPath(new URL('./fixtures/smoke/', import.meta.url)), { build: { target: 'es2022' } });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    app?.remove();
  });

  it('serves an isolated page that runs @nn on the CPU and on WebGPU without console errors', async () => {
    const server = await serveStatic(app.dir);
    servers.push(server);
    const { page, errors } = await openPage(browser, server.url);
    const result = page.getByTestId('result');
    await expect.poll(async () => result.textContent(), { timeout: 90_000 }).not.toBe('running');
    const r = JSON.parse((await result.textContent())!);
    expect(r).toEqual({ isolated: true, hasGpu: true, cpu: [7, 10, 15, 22], webgpu: [7, 10, 15, 22] });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('serves a page that is not isolated when asked', async () => {
    const server = await serveStatic(app.dir, { isolated: false });
    servers.push(server);
    const { page, errors } = await openPage(browser, server.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
