/**
 * WebGPU start-up in Chromium on SwiftShader: after `warmup()` the first training step of an MLP (Adam) compiles
 * nothing and is many times faster than a cold first step that compiles every pipeline synchronously (the
 * backend before async compilation). Each page runs in a fresh browser so no shader cache carries over.
 * The full-size figures: `node bench/webgpu-startup.js`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, chromiumAvailable, launchChromium, openPage, serveStatic, type BuiltApp, type StaticServer } from '@nn/browser-testing';

interface StartupResult {
  warmup: { pipelines: number; cached: number; ms: number } | null;
  firstStepMs: number;
  secondStepMs: number;
  pipelinesCompiled: number;
  loss: number;
  error?: string;
}

describe.skipIf(!chromiumAvailable())('WebGPU start-up in Chromium', () => {
  let app: BuiltApp;
  let server: StaticServer;
  beforeAll(async () => {
    app = await buildApp(fileURLToPath(new URL('./fixtures/startup/', import.meta.url)), { build: { target: 'es2022' } });
    server = await serveStatic(app.dir);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    app?.remove();
  });

  async function run(query: string): Promise<StartupResult> {
    const browser = await launchChromium();
    try {
      const { page, errors, log } = await openPage(browser, `${server.url}?${query}&sizes=64,32,32,10&batch=16`);
      const result = page.getByTestId('result');
      await expect.poll(() => result.textContent(), { timeout: 40_000 }).not.toBe('running');
      const r = JSON.parse((await result.textContent())!) as StartupResult;
      expect(r.error).toBeUndefined();
      expect(errors, log.join('\n')).toEqual([]);
      return r;
    } finally {
      await browser.close();
    }
  }

  it('warm-up, then the first step: many times faster than a cold first step with synchronous compiles', async () => {
    const cold = await run('compile=sync');
    const warm = await run('warmup=1');
    console.log(
      `WebGPU start-up (MLP 64-32-32-10, Adam, SwiftShader): cold first step ${cold.firstStepMs.toFixed(0)} ms; ` +
        `warm-up ${warm.warmup!.ms.toFixed(0)} ms (${warm.warmup!.pipelines} pipelines), then first step ${warm.firstStepMs.toFixed(0)} ms ` +
        `(${(cold.firstStepMs / warm.firstStepMs).toFixed(1)}×)`,
    );
    expect(warm.warmup!.pipelines).toBe(cold.pipelinesCompiled); // warm-up compiled exactly what a step needs...
    expect(warm.pipelinesCompiled).toBe(warm.warmup!.pipelines); // ...and the steps after it compiled nothing
    expect(warm.loss).toBe(cold.loss); // the warm-up changed nothing
    expect(cold.firstStepMs / warm.firstStepMs).toBeGreaterThan(5); // 127× measured here
  }, 60_000);
});
