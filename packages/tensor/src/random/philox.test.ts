import { wasmPhiloxWords } from '../backends/cpu/wasm/random-wasm.js';
import { describe, expect, it } from 'vitest';
import { philox4x32, philoxWords, philoxWordsTs } from './philox.js';

// Known-answer tests from Random123 (kat_vectors, philox4x32_10).
const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

describe('philox4x32-10', () => {
  it.each(KAT)('matches the Random123 known answer for counter %j', (c, k, expected) => {
    const out = new Uint32Array(4);
    philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, out);
    expect(Array.from(out)).toEqual(expected);
  });
});

describe('Philox words in WebAssembly', () => {
  it('are the TypeScript reference words: offsets past 2^32, runs across the 4096-block chunks', () => {
    const cases: [readonly [number, number], number, number][] = [
      [[0, 0], 0, 4], [[0x12345678, 0x9abcdef0], 7, 4 * 4097 + 4], [[1, 2], 2 ** 32 - 3, 64], [[0xffffffff, 0xffffffff], 2 ** 45 + 11, 40],
    ];
    for (const [key, offset, n] of cases) {
      const out = new Uint32Array(n);
      expect(wasmPhiloxWords(key, offset, out)).toBe(true);
      expect(out).toEqual(philoxWordsTs(key, offset, new Uint32Array(n)));
      expect(philoxWords(key, offset, n)).toEqual(out);
    }
  });
});
