import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, chromiumAvailable, launchChromium, openPage, serveStatic, type BuiltApp, type StaticServer } from '@nn/browser-testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
function closeTo(actual: number[], expected: number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

// The library test page (src/browser/) in Debian's chromium, on the CPU backend and on WebGPU (SwiftShader).
describe.skipIf(!chromiumAvailable())('@nn/all in the browser', () => {
  let app: BuiltApp;
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    const root = fileURLToPath(new URL('./browser/', import.meta.url));
    [app, browser] = await Promise.all([
      buildApp(root, { build: { target: 'es2022', rollupOptions: { input: ['index.html', 'data.html'].map((p) => join(root, p)) } } }),
      launchChromium(),
    ]);
    server = await serveStatic(app.dir);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    app?.remove();
  });

  it('bundles no node: import (Node built-ins come from process.getBuiltinModule)', () => {
    const js = readdirSync(join(app.dir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    // `import("node:x")`, `from "node:x"`, or a specifier kept in a constant for a dynamic import (`X="node:x"`).
    for (const f of js) expect(readFileSync(join(app.dir, 'assets', f), 'utf8')).not.toMatch(/(?:\bimport\s*\(?|\bfrom|=)\s*["'`]node:/);
  });

  /** Opens a page of the app once it is ready, recording every request (a `node:` import would be one). */
  async function open(path: string) {
    const requests: string[] = [];
    const { page, errors } = await openPage(browser, 'about:blank');
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(server.url + path);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 30_000 }).toMatch(/^ready/);
    return { page, errors, requests };
  }

  it('@nn/data alone: parses IDX bytes; a file path is refused with a message, not a node: request', async () => {
    const { page, errors, requests } = await open('data.html');
    const result = JSON.parse((await page.getByTestId('status').textContent())!.slice('ready '.length));
    expect(result).toEqual({
      shape: [2, 2, 2],
      values: [1, 2, 3, 4, 5, 6, 7, 255],
      readFile: 'readIdxFile: reading files needs Node.js; elsewhere, fetch the bytes and parse them in memory',
    });
    expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a save over the storage quota fails whole with QuotaExceededError as its cause; the old contents stay', async () => {
    const { page, errors } = await open('index.html?backend=cpu');
    // Chromium reads an origin's IndexedDB quota when the origin first opens it: override it before that.
    const cdp = await page.context().newCDPSession(page);
    const origin = server.url.replace(/\/$/, '');
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1_000_000 });
    await page.evaluate(() => window.checks.beforeQuota());
    const quota = await page.evaluate(() => window.checks.overQuota());
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    // Chromium fails a large OPFS write over the quota either way, depending on which side of its data pipe
    // notices first; IndexedDB always says QuotaExceededError.
    for (const [at, r] of Object.entries(quota)) {
      const name = at.startsWith('opfs') ? '(QuotaExceededError|AbortError)' : '(QuotaExceededError)';
      expect(r.error?.message).toMatch(new RegExp(`^saveFile: cannot write ${at}: ${name}\\b`));
      expect(r.error?.message).toContain(r.error?.cause);
    }
    expect(quota['indexeddb://nn-browser-test/quota']!.after).toBe(1);
    expect(quota['opfs://nn-browser-test/quota']!.after).toBe(1);
    expect(quota['opfs://nn-browser-test/new']!.after).toBe("loadFile: no file opfs://nn-browser-test/new: the Origin Private File System has no file 'nn-browser-test/new'");

    expect(errors).toEqual([]);
    await page.close();
  });

  for (const backend of ['cpu', 'webgpu'] as const)
    it(`${backend}: ops, autograd, fit with IndexedDB checkpoints and a resume, save/load through IndexedDB, OPFS and a download`, async () => {
      const { page, errors, requests } = await open(`index.html?backend=${backend}`);
      const ops = await page.evaluate(() => window.checks.ops());
      expect(ops.device).toBe(backend);
      expect(ops.matmul).toEqual([19, 22, 43, 50]);
      expect(ops.broadcast).toEqual([11, 21, 31, 12, 22, 32]);
      closeTo(ops.softmax, [0.09003057, 0.24472847, 0.66524096]);
      expect([ops.sum1, ops.mean0, ops.argmax1, ops.transposed]).toEqual([[6, 15], [2.5, 3.5, 4.5], [1, 0], [0, 3, 1, 4, 2, 5]]);
      closeTo(ops.var, [5 / 3]);
      closeTo(ops.unary, [0.5, 1 / (1 + Math.exp(-1)) + Math.tanh(1) + 1, 1 / (1 + Math.exp(1)) - Math.tanh(1)]);
      expect(ops.matmulVsCpu).toBeLessThan(1e-4);

      const grads = await page.evaluate(() => window.checks.autograd());
      const x = 1.5;
      closeTo(grads.f, [4 * x ** 3 + 2 * x * Math.sin(x * x) + 2 * x ** 3 * Math.cos(x * x)]);
      expect(grads.fanOut).toEqual([7]);
      expect(grads.matmul).toEqual([1, 2, 3, 1, 2, 3]);
      const p = [1, 2, 3].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
      closeTo(grads.crossEntropy, [p[0]!, p[1]!, p[2]! - 1]);

      const epochs = 30;
      const run = await page.evaluate((n) => window.checks.fit(n), epochs);
      expect(run.first.epoch).toEqual(range(10));
      // The second fit starts from a freshly seeded model: it continues the first run only through the checkpoint.
      expect(run.resumed.epoch).toEqual(range(epochs));
      expect(run.resumed.loss.slice(0, 10)).toEqual(run.first.loss);
      expect(run.resumed.accuracy.at(-1)).toBeGreaterThanOrEqual(0.95);
      expect(run.test.accuracy).toBeGreaterThanOrEqual(0.95);
      expect(run.checkpointEpoch).toBe(epochs);
      expect(run.files).toEqual(['indexeddb://nn-browser-test/spirals.ckpt']);

      const trips = await page.evaluate(() => window.checks.roundTrips());
      expect(trips).toEqual({
        'indexeddb://nn-browser-test/model.nn': {
          identical: true, step: 3, listed: ['indexeddb://nn-browser-test/model.nn', 'indexeddb://nn-browser-test/spirals.ckpt'],
          afterRemove: "loadFile: no file indexeddb://nn-browser-test/model.nn: IndexedDB database 'nn-files' has no key 'nn-browser-test/model.nn'",
        },
        'opfs://nn-browser-test/model.nn': {
          identical: true, step: 3, listed: ['opfs://nn-browser-test/model.nn'],
          afterRemove: "loadFile: no file opfs://nn-browser-test/model.nn: the Origin Private File System has no file 'nn-browser-test/model.nn'",
        },
      });

      expect(await page.evaluate(() => window.checks.errors())).toEqual({
        savePath:
          'saveFile: "checkpoints/run.ckpt" is a file path, and file paths need Node.js; in a browser use ' +
          "'indexeddb://checkpoints/run.ckpt' or 'opfs://checkpoints/run.ckpt' (or 'downloads://<file name>' to save a download)",
        fitPath: expect.stringMatching(/^fit: checkpoint.path: "run.ckpt" is a file path, and file paths need Node.js; in a browser use 'indexeddb:\/\/run.ckpt'/),
        readIdx: 'readIdxFile: reading files needs Node.js; elsewhere, fetch the bytes and parse them in memory',
        missingKey: "loadFile: no file indexeddb://no-such-key: IndexedDB database 'nn-files' has no key 'no-such-key'",
        missingFile: "loadFile: no file opfs://no/such.nn: the Origin Private File System has no file 'no/such.nn'",
        scheme: expect.stringMatching(/^loadFile: unknown scheme 'idb:\/\/' in "idb:\/\/model"; use indexeddb:\/\/<key>/),
        loadDownload: expect.stringMatching(/^loadFile: downloads:\/\/ is save only/),
      });

      const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => window.checks.download())]);
      expect(download.suggestedFilename()).toBe('spirals-model.nn');
      await page.getByTestId('picker').setInputFiles(await download.path());
      expect(await page.evaluate(() => window.checks.loadPicked())).toEqual({ name: expect.any(String), identical: true });

      expect(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('blob:'))).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
});
