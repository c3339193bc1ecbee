/**
 * IEEE 754 binary16 ("half") conversions. float16 tensors are stored as their 16-bit patterns (a Uint16Array on
 * the CPU, two halves per u32 word on WebGPU); arithmetic widens them to float32 and rounds results back, so a
 * float16 result is the float32 result rounded once to the nearest half (ties to even), as on a GPU.
 */

/** Largest finite half (65504); |x| >= 65520 rounds to infinity. */
export const FLOAT16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half nearest to the float32 with bits `b` (round to nearest, ties to even; overflow gives ±inf). */
function halfOfBits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // ±inf, NaN (quiet)
  const e = exp - 112; // the half's biased exponent (127 - 15)
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // A half subnormal (or zero): the float's 24 significant bits shifted down by 14 - e.
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    const m = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    return sign | (rem > half || (rem === half && (m & 1) !== 0) ? m + 1 : m);
  }
  const h = sign | (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa moves into the exponent: the next binade, or infinity after 65504.
  return rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0) ? h + 1 : h;
}

/** The 16-bit pattern of the half nearest to `x`. */
export function toHalfBits(x: number): number {
  f32[0] = x;
  return halfOfBits(u32[0]!);
}

let table: Float32Array | undefined;
/** Every half's value, indexed by its bit pattern (256 KiB, built on first use). */
function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    table[h] = e === 0 ? sign * m * 2 ** -24 : e === 31 ? (m !== 0 ? NaN : sign * Infinity) : sign * (1024 + m) * 2 ** (e - 25);
  }
  return table;
}

/** The value of the half with bit pattern `h`. */
export function fromHalfBits(h: number): number {
  return halfTable()[h & 0xffff]!;
}

/** `values` rounded to halves, as bit patterns (into `out` when given). */
export function encodeHalf(values: ArrayLike<number>, out: Uint16Array<ArrayBufferLike> = new Uint16Array(values.length)): Uint16Array<ArrayBufferLike> {
  if (values instanceof Float32Array) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) out[i] = halfOfBits(bits[i]!);
  } else for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]!);
  return out;
}

/** The values of half bit patterns as float32 (into `out` when given). */
export function decodeHalf(bits: Uint16Array<ArrayBufferLike>, out: Float32Array<ArrayBufferLike> = new Float32Array(bits.length)): Float32Array<ArrayBufferLike> {
  const t = halfTable();
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]!]!;
  return out;
}

/** `x` rounded to the nearest half, as a number: what storing it in a float16 tensor keeps. */
export function roundToHalf(x: number): number {
  return fromHalfBits(toHalfBits(x));
}
