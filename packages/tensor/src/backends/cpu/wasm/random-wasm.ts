/**
 * Philox4x32-10 words from `assembly/random.ts` (compiled at build time into `random-wasm.generated.ts`), the
 * same words as the TypeScript reference (src/random/philox.ts), ~10× faster: the generator behind every random
 * op (and Dropout's masks) on every backend. Returns false, writing nothing, where the module is unavailable
 * (no WebAssembly, `NN_WASM=0`, or still compiling in a browser).
 */
import { lazyWasmInstance } from './load.js';
import { RANDOM_WASM_BASE64, RANDOM_WASM_SHARED_BASE64 } from './random-wasm.generated.js';

interface RandomExports {
  philoxWords(k0: number, k1: number, offsetLo: number, offsetHi: number, blocks: number, out: number): void;
}

/** Blocks of 4 words per call: 64 KiB of output, copied out between calls. */
const BLOCKS = 4096;

const instance = lazyWasmInstance<RandomExports, { ex: RandomExports; at: number; words: Uint32Array }>(
  { own: RANDOM_WASM_BASE64, shared: RANDOM_WASM_SHARED_BASE64 },
  ({ ex, memory, reserve }) => {
    const at = reserve(16 * BLOCKS);
    return { ex, at, words: new Uint32Array(memory.buffer, at, 4 * BLOCKS) };
  },
);

/**
 * out[4b .. 4b+3] = Philox4x32-10 of counter (offset + b, 0, 0) under `key`, for every block b that `out` holds
 * (its length a multiple of 4). `offset` is an integer below 2⁵³.
 */
export function wasmPhiloxWords(key: readonly [number, number], offset: number, out: Uint32Array): boolean {
  const w = instance.get();
  if (!w) return false;
  const blocks = out.length / 4;
  for (let b = 0; b < blocks; b += BLOCKS) {
    const count = Math.min(BLOCKS, blocks - b);
    const c = offset + b;
    w.ex.philoxWords(key[0], key[1], c >>> 0, Math.floor(c / 4294967296) >>> 0, count, w.at);
    out.set(count === BLOCKS ? w.words : w.words.subarray(0, 4 * count), 4 * b);
  }
  return true;
}
