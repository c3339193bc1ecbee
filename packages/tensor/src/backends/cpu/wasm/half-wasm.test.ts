import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf } from '../../../float16.js';
import { wasmElementwiseAvailable, wasmFloatToHalf, wasmHalfToFloat } from './elementwise-wasm.js';
import { allocArray } from './heap.js';

describe.skipIf(!wasmElementwiseAvailable())('float16 conversions in WebAssembly', () => {
  // Lengths that are not multiples of 8 reach the scalar tail after the SIMD loop.
  it('decode every one of the 65,536 halves as float16.ts does', () => {
    const n = 65536 + 5;
    const bits = allocArray('float16', n) as Uint16Array;
    for (let h = 0; h < n; h++) bits[h] = h < 65536 ? h : [0x7c00, 0x8001, 0x3c01, 0xfbff, 0x0400][h - 65536]!;
    const out = allocArray('float32', n) as Float32Array;
    expect(wasmHalfToFloat(bits, out)).toBe(true);
    const want = decodeHalf(bits);
    for (let h = 0; h < n; h++) if (!(Number.isNaN(want[h]!) && Number.isNaN(out[h]!))) expect([h, out[h]]).toEqual([h, want[h]]);
  });

  it('encode a million float32 bit patterns (every exponent, the ties, the subnormals) as float16.ts does', () => {
    const n = (1 << 20) + 7;
    const x = allocArray('float32', n) as Float32Array;
    const u = new Uint32Array(x.buffer, x.byteOffset, n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      // Low mantissa bits cleared on every 4th value, so exact halves and ties to even come up often.
      u[i] = i % 4 === 0 ? s & 0xffffe000 : i % 4 === 1 ? (s & 0x80001fff) | ((i >>> 2) % 256 << 23) | 0x1000 : s;
    }
    const out = allocArray('float16', n) as Uint16Array;
    expect(wasmFloatToHalf(x, out)).toBe(true);
    const want = encodeHalf(x);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (out[i] !== want[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('declines arrays outside the heap (the caller converts in TypeScript)', () => {
    expect(wasmHalfToFloat(new Uint16Array(4), new Float32Array(4))).toBe(false);
    expect(wasmFloatToHalf(new Float32Array(4), allocArray('float16', 4) as Uint16Array)).toBe(false);
  });
});
