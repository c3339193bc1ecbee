/**
 * The CPU backend's matmul in Chromium, on Web Workers and on one thread: builds bench/web/threads/ with Vite,
 * serves it cross-origin isolated (workers available) and not isolated (one thread), runs it in Debian's
 * chromium (playwright-core) on the page's main thread and, isolated, inside a dedicated worker, and prints
 * median GFLOP/s per shape and the speed-ups.
 *
 *   node bench/web-threads.js [--quick]
 *
 * No build is needed: the page imports the packages' TypeScript sources, and this script loads the browser
 * test helpers (tools/browser-testing) through Vite's module runner.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const quick = process.argv.includes('--quick');
const query = quick ? '?repeats=3&sampleMs=30' : '?repeats=7&sampleMs=60';
const { module: harness } = await runnerImport(fileURLToPath(new URL('../tools/browser-testing/src/index.ts', import.meta.url)));
const { buildApp, chromiumAvailable, launchChromium, openPage, serveStatic, CHROMIUM } = harness;
if (!chromiumAvailable()) {
  console.error(`web-threads: no chromium at ${CHROMIUM} (apt-get install chromium, or set NN_CHROMIUM)`);
  process.exit(1);
}

const app = await buildApp(fileURLToPath(new URL('./web/threads/', import.meta.url)), { build: { target: 'es2022' }, worker: { format: 'es' } });
const browser = await launchChromium();
/** What the page measured, served isolated or not, on its main thread or in a worker. */
async function measure(isolated, inWorker) {
  const server = await serveStatic(app.dir, { isolated });
  try {
    const { page, errors } = await openPage(browser, server.url + query + (inWorker ? '&worker' : ''));
    await page.waitForFunction(() => document.querySelector('[data-testid=result]')?.textContent !== 'running', null, { timeout: 600_000 });
    const result = JSON.parse(await page.getByTestId('result').textContent());
    if (errors.length > 0) throw new Error(`web-threads: the page logged errors:\n${errors.join('\n')}`);
    await page.close();
    return result;
  } finally {
    await server.close();
  }
}
let isolated, worker, plain;
try {
  isolated = await measure(true, false);
  worker = await measure(true, true);
  plain = await measure(false, false);
} finally {
  await browser.close();
  app.remove();
}

const version = browser.version();
const n = isolated.threads;
console.log(`Chromium ${version}, ${isolated.cores} logical cores; isolated: ${isolated.workers} workers up on the page, `
  + `${worker.workers} in the dedicated worker, ${n} threads; without isolation: ${plain.threads} thread.${quick ? ' (--quick)' : ''}`);
const f = (x) => x.toFixed(1);
const x = (a, b) => `${(a / b).toFixed(2)}×`;
for (const stat of ['median', 'best']) {
  console.log(`\n${stat === 'median' ? 'Median' : 'Fastest'} sample, GFLOP/s:\n`);
  console.log(`| case | page ${n}T | page 1T | worker ${n}T | worker 1T | not isolated | page ${n}T/1T | worker ${n}T/1T | page ${n}T / not isolated |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  isolated.results.forEach((r, i) => {
    const [pt, p1, wt, w1, u] = [r.threads, r.one, worker.results[i].threads, worker.results[i].one, plain.results[i].threads].map((s) => s[stat]);
    console.log(`| ${r.name} | ${f(pt)} | ${f(p1)} | ${f(wt)} | ${f(w1)} | ${f(u)} | ${x(pt, p1)} | ${x(wt, w1)} | ${x(pt, u)} |`);
  });
}
