/**
 * Philox4x32-10 (src/random/philox.ts, the reference) in WebAssembly (AssemblyScript): the 32×32 → 64-bit
 * products that the TypeScript version assembles from 16-bit halves are one i64 multiply here, ~10× faster, the
 * same words. Pointers are byte addresses; this module allocates nothing (runtime stub).
 */

const M0: u64 = 0xd2511f53;
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** First free byte after this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Writes `blocks` blocks of 4 words to `out`: block b is Philox4x32-10 of the 128-bit counter
 * (offset + b, 0, 0) under key (k0, k1), where offset = offsetHi·2³² + offsetLo.
 */
export function philoxWords(k0: u32, k1: u32, offsetLo: u32, offsetHi: u32, blocks: i32, out: usize): void {
  const offset = (<u64>offsetHi << 32) | <u64>offsetLo;
  for (let b = 0; b < blocks; b++) {
    const c = offset + <u64>b;
    let c0 = <u32>c, c1 = <u32>(c >> 32), c2: u32 = 0, c3: u32 = 0;
    let key0 = k0, key1 = k1;
    for (let r = 0; r < 10; r++) {
      const p0 = M0 * <u64>c0;
      const p1 = M1 * <u64>c2;
      c0 = <u32>(p1 >> 32) ^ c1 ^ key0;
      c1 = <u32>p1;
      c2 = <u32>(p0 >> 32) ^ c3 ^ key1;
      c3 = <u32>p0;
      key0 += W0;
      key1 += W1;
    }
    const at = out + (<usize>b << 4);
    store<u32>(at, c0);
    store<u32>(at, c1, 4);
    store<u32>(at, c2, 8);
    store<u32>(at, c3, 12);
  }
}
