import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { batches, BOUNDARY, loadWords, unigramBits } from './data.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-charlm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const list = join(dir, 'words');
// 20 words: every 10th ('j', 'tt') is held out.
writeFileSync(list, 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nab\nba\nca\nda\nea\nfa\nga\nha\nia\ntt\n');

describe('charlm data', () => {
  it('holds out every 10th word; the boundary symbol is index 0', () => {
    const d = loadWords(list, null);
    expect(d.validation).toEqual(['j', 'tt']);
    expect(d.train).toHaveLength(18);
    expect(d.vocab).toEqual(['$', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 't']);
    expect(d.index.get('a')).toBe(1);
    expect(loadWords(list, 10).train).toEqual(['a', 'c', 'e', 'g', 'i', 'ab', 'ca', 'ea', 'ga']); // every 2nd word
  });

  it('scores the validation symbols under the add-one smoothed training frequencies', () => {
    const d = loadWords(list, null);
    // Training symbols: 18 word ends, 'a' ×10, 'b' ×3, 'c'..'i' ×2, 'j' and 't' none; each count + 1.
    const counts = [18, 10, 3, 2, 2, 2, 2, 2, 2, 2, 0, 0].map((c) => c + 1);
    const total = counts.reduce((a, b) => a + b);
    const bits = (i: number) => -Math.log2(counts[i]! / total);
    // Validation: j$ and tt$.
    expect(unigramBits(d)).toBeCloseTo((bits(10) + bits(11) * 2 + bits(BOUNDARY) * 2) / 5, 12);
  });

  it('cuts words of equal length into time-major batches of ^word / word$', () => {
    const d = loadWords(list, null);
    const bs = batches(d, ['ab', 'ba', 'c', 'ca'], 2);
    expect(bs.map((b) => [b.steps, b.n])).toEqual([[2, 1], [3, 2], [3, 1]]);
    expect(Array.from(bs[1]!.input)).toEqual([0, 0, 1, 2, 2, 1]); // ^^ / a b / b a
    expect(Array.from(bs[1]!.target)).toEqual([1, 2, 2, 1, 0, 0]);
    const shuffled = batches(d, d.train, 4, new Generator(0));
    expect(shuffled.reduce((s, b) => s + b.n, 0)).toBe(18);
    expect(shuffled.map((b) => b.steps)).not.toEqual([...shuffled.map((b) => b.steps)].sort());
  });
});
