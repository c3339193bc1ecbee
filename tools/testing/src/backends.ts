/**
 * One conformance suite for every backend: a suite file calls `describeBackends(title, body)` and `body` runs
 * once per backend, creating tensors with `{device}` and reading back with `await t.data()` so the same
 * assertions hold for synchronous and asynchronous devices. `itKernel` skips a case on backends that do not
 * implement the kernels it needs, so each backend is tested on exactly what it supports.
 *
 * WebGPU runs through Dawn (npm `webgpu`) on SwiftShader when it can be initialised; in CI (`CI=true`) it must be.
 */
import { beforeAll, describe, it } from 'vitest';
import { hasKernel, initBackend, type Device } from '@nn/tensor';

const probes = new Map<Device, Promise<string | null>>();

/** Why `device` cannot be initialised, or null when it can. Initialises it once per test file. */
export function backendUnavailable(device: Device): Promise<string | null> {
  let p = probes.get(device);
  if (!p) {
    p = initBackend(device).then(
      () => null,
      (e: unknown) => String(e instanceof Error ? e.message : e),
    );
    probes.set(device, p);
  }
  return p;
}

export const BACKENDS: Device[] = ['cpu', 'webgpu'];

/** Runs `body` once per backend in a suite titled `${title} [device]`; an unavailable cpu (or any backend in CI) fails it. */
export function describeBackends(title: string, body: (device: Device) => void): void {
  for (const device of BACKENDS) {
    describe(`${title} [${device}]`, () => {
      beforeAll(async () => {
        const err = await backendUnavailable(device);
        if (err !== null && (device === 'cpu' || process.env.CI)) throw new Error(`backend ${device} unavailable: ${err}`);
      });
      body(device);
    });
  }
}

/** A test that needs `kernels` on `device`; skipped (not failed) where the backend lacks one or is unavailable. */
export function itKernel(device: Device, kernels: readonly string[], name: string, fn: () => Promise<void> | void): void {
  it(`${name}`, async (ctx) => {
    if ((await backendUnavailable(device)) !== null) return ctx.skip();
    if (!kernels.every((k) => hasKernel(device, k))) return ctx.skip();
    await fn();
  });
}
