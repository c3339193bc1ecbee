/**
 * WebGPU start-up in Chromium on SwiftShader: the first training step of an MLP (Adam) on a fresh device with
 * pipelines compiled synchronously at first dispatch (as before 2026-12), asynchronously, and after `warmup()`.
 * Builds the page packages/tensor/src/backends/webgpu/fixtures/startup with Vite (@nn/* from source), opens it in a
 * fresh Debian chromium per run (so no shader cache carries over) and prints the figures; then the same in Node
 * (Dawn on SwiftShader) from the built packages.
 *
 *   node bench/webgpu-startup.js [--sizes=784,256,256,10] [--batch=128] [--no-node] [--no-browser]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = arg('sizes', '784,256,256,10');
const batch = arg('batch', '128');
const repo = fileURLToPath(new URL('../', import.meta.url));
const packages = ['tensor', 'autograd', 'layers', 'optim', 'init'];
const alias = Object.fromEntries(packages.map((p) => [`@nn/${p}`, join(repo, 'packages', p, 'src', 'index.ts')]));
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

async function browserRuns() {
  const outDir = mkdtempSync(join(tmpdir(), 'nn-startup-'));
  await build({
    root: join(repo, 'packages/tensor/src/backends/webgpu/fixtures/startup'), logLevel: 'error', configFile: false,
    resolve: { alias }, build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  const server = await preview({ root: outDir, logLevel: 'error', configFile: false, build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const base = server.resolvedUrls.local[0];
  const results = {};
  try {
    for (const [name, query] of [['cold, sync compile', 'compile=sync'], ['cold, async compile', 'compile=async'], ['warmup, then first step', 'warmup=1']]) {
      const browser = await chromium.launch({ executablePath: process.env.NN_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS });
      try {
        const page = await browser.newPage();
        await page.goto(`${base}?${query}&sizes=${sizes}&batch=${batch}`);
        const el = page.getByTestId('result');
        await el.filter({ hasNotText: 'running' }).waitFor({ timeout: 300_000 });
        results[name] = JSON.parse(await el.textContent());
        if (results[name].error) throw new Error(results[name].error);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
  return results;
}

async function nodeRuns() {
  process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  const nn = await import('@nn/tensor');
  const { backward } = await import('@nn/autograd');
  const { crossEntropy, Linear, ReLU, Sequential } = await import('@nn/layers');
  const { Adam } = await import('@nn/optim');
  const dims = sizes.split(',').map(Number);
  const results = {};
  for (const [name, mode] of [['cold, sync compile', 'sync'], ['cold, async compile', 'async'], ['warmup, then first step', 'warm']]) {
    await nn.setBackend('webgpu');
    const backend = nn.engine.backendFor('bench', 'webgpu');
    backend.asyncPipelines = mode !== 'sync';
    const g = new nn.Generator(0);
    const layers = [];
    for (let i = 1; i < dims.length; i++) layers.push(new Linear(dims[i - 1], dims[i], { generator: g }), new ReLU());
    const model = new Sequential(...layers.slice(0, -1));
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const x = nn.randn([Number(batch), dims[0]], { generator: g });
    const y = nn.randint(0, dims.at(-1), [Number(batch)], { generator: g });
    const step = () => nn.tidy(() => { opt.zeroGrad(); const loss = crossEntropy(model.call(x), y); backward(loss); opt.step(); return loss; });
    const warm = mode === 'warm' ? await nn.warmup(step, { restore: [model, opt] }) : null;
    const t0 = performance.now();
    const loss = step();
    await loss.data();
    results[name] = { warmup: warm, firstStepMs: performance.now() - t0, pipelinesCompiled: backend.getStats().pipelinesCompiled };
    // A fresh device (and pipeline cache) for the next mode.
    opt.zeroGrad();
    opt.dispose();
    nn.dispose([loss, x, y, ...model.parameters()]);
    nn.disposeBackend('webgpu');
  }
  return results;
}

function report(where, r) {
  const cold = r['cold, sync compile'].firstStepMs;
  const warm = r['warmup, then first step'];
  console.log(`\n${where}: MLP ${sizes}, batch ${batch}, Adam`);
  for (const [name, v] of Object.entries(r))
    console.log(`  ${name.padEnd(26)} first step ${(v.firstStepMs / 1000).toFixed(2).padStart(7)} s` +
      (v.secondStepMs !== undefined ? `, second ${(v.secondStepMs / 1000).toFixed(2)} s` : '') +
      (v.warmup ? `   (warm-up ${(v.warmup.ms / 1000).toFixed(2)} s, ${v.warmup.pipelines} pipelines)` : `   (${v.pipelinesCompiled} pipelines)`));
  console.log(`  first step: ${(cold / warm.firstStepMs).toFixed(1)}× faster after warm-up than cold with sync compile;` +
    ` warm-up + first step ${((warm.warmup.ms + warm.firstStepMs) / 1000).toFixed(2)} s vs ${(cold / 1000).toFixed(2)} s`);
}

if (!process.argv.includes('--no-browser')) report('Chromium (SwiftShader)', await browserRuns());
if (!process.argv.includes('--no-node')) report('Node (Dawn on SwiftShader)', await nodeRuns());
