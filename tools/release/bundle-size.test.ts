import { describe, expect, it } from 'vitest';
import { compareSizes } from './bundle-size.mjs';

const base = { '@nn/tensor': { minified: 200_000, gzip: 60_000 }, '@nn/clip': { minified: 3_000, gzip: 1_300 } };

describe('compareSizes', () => {
  it('accepts sizes that shrink or grow by at most 10% or 2 KB, whichever is more', () => {
    const sizes = { '@nn/tensor': { minified: 220_000, gzip: 50_000 }, '@nn/clip': { minified: 5_048, gzip: 3_348 } };
    expect(compareSizes(sizes, base)).toEqual([]);
  });

  it('reports a size that grows by more than both 10% and 2 KB, naming the package, the kind and the bytes', () => {
    const sizes = { '@nn/tensor': { minified: 220_001, gzip: 60_000 }, '@nn/clip': { minified: 3_000, gzip: 3_349 } };
    expect(compareSizes(sizes, base)).toEqual([
      '@nn/tensor: minified 200000 → 220001 bytes (+10.0%)',
      '@nn/clip: gzip 1300 → 3349 bytes (+157.6%)',
    ]);
  });

  it('reports a package with no baseline and a baseline entry with no package', () => {
    const sizes = { '@nn/tensor': base['@nn/tensor'], '@nn/onnx': { minified: 10, gzip: 30 } };
    expect(compareSizes(sizes, base)).toEqual(['@nn/onnx: no baseline', '@nn/clip: in the baseline but not measured']);
  });
});
