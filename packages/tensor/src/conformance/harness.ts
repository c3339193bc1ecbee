/**
 * One conformance suite for every backend: a suite file calls `describeBackends(title, body)` and `body` runs
 * once per backend, creating tensors with `{device}` and reading back with `await t.data()` so the same
 * assertions hold for synchronous and asynchronous devices. `itKernel` skips a case on backends that do not
 * implement the kernels it needs, so each backend is tested on exactly what it supports.
 *
 * WebGPU runs through Dawn (npm `webgpu`) on SwiftShader when it can be initialised; in CI (`CI=true`) it must be.
 */
import { describe, it, beforeAll } from 'vitest';
import { hasKernel, initBackend, type Device } from '../index.js';

const available = new Map<Device, Promise<string | null>>();

function probe(device: Device): Promise<string | null> {
  let p = available.get(device);
  if (!p) {
    p = initBackend(device).then(
      () => null,
      (e: unknown) => String(e instanceof Error ? e.message : e),
    );
    available.set(device, p);
  }
  return p;
}

export const BACKENDS: Device[] = ['cpu', 'webgpu'];

export function describeBackends(title: string, body: (device: Device) => void): void {
  for (const device of BACKENDS) {
    describe(`${title} [${device}]`, () => {
      beforeAll(async () => {
        const err = await probe(device);
        if (err !== null && (device === 'cpu' || process.env.CI)) throw new Error(`backend ${device} unavailable: ${err}`);
      });
      body(device);
    });
  }
}

/** A test that needs `kernels` on `device`; skipped (not failed) where the backend lacks one or is unavailable. */
export function itKernel(device: Device, kernels: readonly string[], name: string, fn: () => Promise<void> | void): void {
  it(`${name}`, async (ctx) => {
    if ((await probe(device)) !== null) return ctx.skip();
    if (!kernels.every((k) => hasKernel(device, k))) return ctx.skip();
    await fn();
  });
}

/** Asserts `actual` ≈ `expected` elementwise (|a-e| <= atol + rtol*|e|, NaN equals NaN), naming the first mismatch. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-6, rtol = 1e-5 } = {}): void {
  if (actual.length !== expected.length) throw new Error(`expectClose: length ${actual.length} != expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      throw new Error(`expectClose: element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}
