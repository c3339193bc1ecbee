import { Generator, defaultGenerator, permutation } from '@nn/tensor';
import { asDataset, type DatasetLike } from './dataset.js';
import { Subset } from './subset.js';
import { checkOptions, describe } from './validate.js';

export interface RandomSplitOptions {
  /** Draws the permutation; the default generator (seeded by `manualSeed`) when omitted. */
  generator?: Generator;
}

/**
 * Splits `dataset` into non-overlapping random subsets (PyTorch's `random_split`). `lengths` are either sample
 * counts summing to `dataset.length`, or fractions summing to 1: then each subset gets `floor(n * fraction)`
 * samples and the remainder is handed out one sample at a time, round-robin from the first subset. The subsets
 * take consecutive runs of one random permutation of `0..n-1`. `dataset` is a Dataset or a plain array.
 */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], opts?: RandomSplitOptions): Subset<T>[] {
  const ds = asDataset('randomSplit', 'dataset', dataset);
  const n = ds.length;
  const o = checkOptions('randomSplit', opts, ['generator']);
  const g = o.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`randomSplit: generator must be a Generator, got ${describe(g)}`);
  if (!Array.isArray(lengths)) throw new Error(`randomSplit: lengths must be an array of counts or fractions, got ${describe(lengths)}`);
  if (lengths.length === 0) throw new Error('randomSplit: lengths must be a non-empty array, got []');
  lengths.forEach((l, k) => {
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0)
      throw new Error(`randomSplit: lengths[${k}] must be a non-negative number, got ${describe(l)}`);
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes: number[];
  // As PyTorch: fractions when the sum is close to 1 (math.isclose, rel_tol 1e-9) and at most 1.
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    sizes = lengths.map((f) => Math.floor(n * f));
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
  } else {
    lengths.forEach((l, k) => {
      if (!Number.isInteger(l))
        throw new Error(`randomSplit: lengths[${k}] must be an integer (or all lengths fractions summing to 1), got ${l}`);
    });
    if (total !== n)
      throw new Error(
        `randomSplit: lengths ${JSON.stringify(lengths)} sum to ${total}, but the dataset has length ${n} (or pass fractions summing to 1)`,
      );
    sizes = lengths.slice();
  }
  const perm = permutation(g, n);
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const size of sizes) {
    out.push(new Subset(ds, perm.subarray(offset, offset + size)));
    offset += size;
  }
  return out;
}
