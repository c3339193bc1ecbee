/**
 * Test helpers (not part of the build): reading the golden files written by scripts/golden.py and comparing
 * values with a float32 tolerance.
 */
import { readFileSync } from 'node:fs';
import { tensor, type DType, type Tensor } from '@nn/tensor';

/** A tensor as the golden script encodes it (NaN and ±inf as strings). */
export interface Encoded {
  shape: number[];
  dtype?: DType;
  data: (number | string | boolean)[];
}

export function readGolden<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../golden/${file}`, import.meta.url), 'utf8')) as T;
}

export function readGoldenBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../golden/${file}`, import.meta.url)));
}

export function num(v: number | string | boolean): number {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number(v.replace('inf', 'Infinity'));
}

/** The encoded tensor as a Tensor (float32 unless the encoding says otherwise). */
export function decode(e: Encoded, opts: { requiresGrad?: boolean } = {}): Tensor {
  return tensor(e.data.map(num), { shape: e.shape, dtype: e.dtype ?? 'float32', requiresGrad: opts.requiresGrad });
}

/**
 * Throws unless |actual − expected| ≤ atol + rtol·|expected| elementwise (NaN matches NaN, ±inf must be equal),
 * naming `where`, the worst index and both values. Defaults: rtol 1e-5, atol 1e-6.
 */
export function assertClose(actual: Tensor | ArrayLike<number>, expected: Encoded | ArrayLike<number>, where: string, rtol = 1e-5, atol = 1e-6): void {
  const a = 'dataSync' in actual ? actual.dataSync() : actual;
  const e = 'data' in expected && !ArrayBuffer.isView(expected) ? (expected as Encoded).data.map(num) : Array.from(expected as ArrayLike<number>);
  if ('shape' in actual && 'shape' in expected && !ArrayBuffer.isView(expected)) {
    const sa = JSON.stringify(actual.shape);
    const se = JSON.stringify((expected as Encoded).shape);
    if (sa !== se) throw new Error(`${where}: shape ${sa}, expected ${se}`);
  }
  if (a.length !== e.length) throw new Error(`${where}: ${a.length} elements, expected ${e.length}`);
  let worst = -1;
  let worstExcess = 1;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y)) continue;
    const excess = Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) / (atol + rtol * Math.abs(y)) : Infinity;
    if (excess >= worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) throw new Error(`${where}: element ${worst} is ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol})`);
}
