import { beforeAll, type TestContext } from 'vitest';
import { hasKernel } from '@nn/tensor';
import { backendUnavailable } from './backends.js';

/**
 * Declares that the tests of this file need WebGPU (Dawn on SwiftShader here), with `kernels` where given.
 * Registers a `beforeAll` that initialises it and, under `CI=true`, fails when it cannot or lacks one of
 * `kernels`; returns a guard to call first in each test, which skips the test, naming the reason, elsewhere.
 *
 * ```ts
 * const requireWebGpu = useWebGpu();
 * it('runs on the device', async (ctx) => {
 *   requireWebGpu(ctx);
 *   ...
 * });
 * ```
 */
export function useWebGpu({ kernels = [] }: { kernels?: readonly string[] } = {}): (ctx: TestContext) => void {
  let reason: string | null | undefined;
  beforeAll(async () => {
    reason = await backendUnavailable('webgpu');
    const missing = reason === null ? kernels.filter((k) => !hasKernel('webgpu', k)) : [];
    if (missing.length) reason = `webgpu lacks ${missing.join(', ')}`;
    if (reason !== null && process.env.CI) throw new Error(`WebGPU unavailable: ${reason}`);
  });
  return (ctx) => {
    if (reason === undefined) throw new Error('useWebGpu: call the guard inside a test of the file that called useWebGpu()');
    if (reason !== null) ctx.skip(reason);
  };
}
