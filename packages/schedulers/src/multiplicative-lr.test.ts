import { describe, expect, it } from 'vitest';
import { MultiplicativeLR } from './multiplicative-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('MultiplicativeLR', () => {
  describeGolden('multiplicative-lr');

  it('multiplies the current lr by lrLambda(epoch) from epoch 1 on', () => {
    const s = new MultiplicativeLR(opt(1), { lrLambda: (e) => e + 1 });
    expect(s.getLastLr()).toEqual([1]);
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([6]);
  });

  it('rejects a missing function', () => {
    expect(() => new MultiplicativeLR(opt(0.1), { lrLambda: null as never })).toThrow(
      'MultiplicativeLR: lrLambda must be a function or an array of functions, got null',
    );
  });
});
