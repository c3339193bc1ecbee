/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based
 * generator, so element i of any draw depends only on (key, counter) — the same stream on every backend,
 * computable in parallel on a GPU.
 */
import { wasmPhiloxWords } from '../backends/cpu/wasm/random-wasm.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32 (doubles hold only 53 bits, so split into 16-bit halves). */
function mulhi(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Writes the 4 u32 outputs for counter (c0..c3) and key (k0, k1) into `out`. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/**
 * `n` raw u32 words (rounded up to whole blocks) for blocks starting at 128-bit counter `offset` (4 words per
 * block): in WebAssembly where available (the same words), else here.
 */
export function philoxWords(key: readonly [number, number], offset: number, n: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(n / 4) * 4);
  if (wasmPhiloxWords(key, offset, words)) return words;
  return philoxWordsTs(key, offset, words);
}

/** The TypeScript reference of philoxWords, filling `words`. */
export function philoxWordsTs(key: readonly [number, number], offset: number, words: Uint32Array): Uint32Array {
  const block = new Uint32Array(4);
  for (let b = 0; b < words.length / 4; b++) {
    const c = offset + b;
    philox4x32(c >>> 0, Math.floor(c / 4294967296) >>> 0, 0, 0, key[0], key[1], block);
    words.set(block, b * 4);
  }
  return words;
}
