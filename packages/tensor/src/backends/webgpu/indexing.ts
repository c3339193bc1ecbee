/**
 * Index arithmetic for strided and broadcast access. Programs map an output element to input elements through
 * strides; merging dims first keeps ranks (and so the number of distinct shaders) small: a [64,1]+[64,128]
 * broadcast and a [2,3,4]+[2,3,4] add both become rank ≤ 2.
 */
import { stridesOf } from '../../shape.js';

/** Strides of `inShape` read at the coordinates of `outShape` (trailing-aligned): 0 along broadcast dims. */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, d) => {
    const k = d - offset;
    return k < 0 || inShape[k] === 1 ? 0 : own[k]!;
  });
}

/**
 * Drops size-1 dims and merges neighbouring dims that every operand walks contiguously (stride[d] ==
 * stride[d+1] * shape[d+1]; broadcast zeros merge with zeros), preserving every element's offsets.
 */
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i]![last] === s[d]! * n)) {
      outShape[last]! *= n;
      strides.forEach((s, i) => (outStrides[i]![last] = s[d]!));
    } else {
      outShape.push(n);
      strides.forEach((s, i) => outStrides[i]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * How an operand is read at flat output index `i`: `same` (its own flat index is i), `scalar` (always element 0)
 * or `strided` (decode i into coordinates and dot with strides).
 */
export type Access = 'same' | 'scalar' | 'strided';

export function accessOf(strides: readonly number[], shape: readonly number[]): Access {
  if (strides.every((s) => s === 0)) return 'scalar';
  const own = stridesOf(shape);
  return strides.every((s, d) => s === own[d]) ? 'same' : 'strided';
}

/**
 * WGSL statements that decode `index` into coordinates `c0..` of a `rank`-dim row-major space whose strides are
 * uniform words `stridesAt..` (the last is 1 and is not read).
 */
export function decodeWgsl(index: string, rank: number, stridesAt: number, prefix = 'c'): string {
  if (rank === 0) return '';
  const lines = [`var rem_${prefix} = ${index};`];
  for (let d = 0; d < rank - 1; d++) {
    lines.push(`let ${prefix}${d} = rem_${prefix} / u(${stridesAt + d}u);`);
    lines.push(`rem_${prefix} = rem_${prefix} - ${prefix}${d} * u(${stridesAt + d}u);`);
  }
  lines.push(`let ${prefix}${rank - 1} = rem_${prefix};`);
  return lines.join('\n  ');
}

/** WGSL expression `c0 * u(k) + c1 * u(k+1) + ...` for strides stored at uniform words `stridesAt..`. */
export function dotWgsl(rank: number, stridesAt: number, prefix = 'c'): string {
  if (rank === 0) return '0u';
  return Array.from({ length: rank }, (_, d) => `${prefix}${d} * u(${stridesAt + d}u)`).join(' + ');
}
