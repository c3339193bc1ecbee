import { Generator, manualSeed } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { randomSplit } from './random-split.js';

const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });
const items = <T,>(s: Dataset<T>) => Array.from({ length: s.length }, (_, i) => s.get(i));

describe('randomSplit', () => {
  it('splits by counts into disjoint subsets covering the dataset', () => {
    const parts = randomSplit(range(10), [3, 7], { generator: new Generator(0) });
    expect(parts.map((p) => p.length)).toEqual([3, 7]);
    const all = parts.flatMap(items);
    expect(all.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  // Lengths from torch.utils.data.random_split (PyTorch 1.13; scripts/random_split_golden.py).
  it.each([
    [11, [0.3, 0.3, 0.4], [4, 3, 4]],
    [5, [0.5, 0.5], [3, 2]],
    [7, Array(10).fill(0.1), [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]],
    [10, [0.7, 0.2, 0.1], [7, 2, 1]],
    [3, [1 / 3, 1 / 3, 1 / 3], [1, 1, 1]],
    [100, [0.333, 0.333, 0.334], [34, 33, 33]],
  ])('splits %i samples by fractions %j into %j as PyTorch does', (n, fractions, expected) => {
    const parts = randomSplit(range(n), fractions, { generator: new Generator(1) });
    expect(parts.map((p) => p.length)).toEqual(expected);
    expect(new Set(parts.flatMap(items)).size).toBe(n);
  });

  it('splits a plain array', () => {
    const parts = randomSplit(['a', 'b', 'c', 'd'], [0.5, 0.5], { generator: new Generator(2) });
    expect(parts.flatMap(items).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is reproducible from the seed and uses the default generator when none is given', () => {
    const a = randomSplit(range(20), [0.5, 0.5], { generator: new Generator(3) }).map(items);
    expect(randomSplit(range(20), [0.5, 0.5], { generator: new Generator(3) }).map(items)).toEqual(a);
    expect(randomSplit(range(20), [0.5, 0.5], { generator: new Generator(4) }).map(items)).not.toEqual(a);
    manualSeed(5);
    const b = randomSplit(range(20), [10, 10]).map(items);
    manualSeed(5);
    expect(randomSplit(range(20), [10, 10]).map(items)).toEqual(b);
  });

  it('rejects lengths that do not fit the dataset', () => {
    expect(() => randomSplit(range(10), [3, 3])).toThrow(
      'randomSplit: lengths [3,3] sum to 6, but the dataset has length 10 (or pass fractions summing to 1)',
    );
    expect(() => randomSplit(range(10), [0.5, 0.4])).toThrow(
      'randomSplit: lengths[0] must be an integer (or all lengths fractions summing to 1), got 0.5',
    );
    expect(() => randomSplit(range(10), [-1, 11])).toThrow('randomSplit: lengths[0] must be a non-negative number, got number -1');
    expect(() => randomSplit(range(10), [])).toThrow('randomSplit: lengths must be a non-empty array, got []');
    expect(() => randomSplit(range(10), [10], { generator: 1 } as never)).toThrow('randomSplit: generator must be a Generator, got number 1');
    expect(() => randomSplit(range(10), [10], { seed: 1 } as never)).toThrow("randomSplit: unknown option 'seed' (options: generator)");
  });
});
