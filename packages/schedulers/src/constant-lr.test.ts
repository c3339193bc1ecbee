import { describe, expect, it } from 'vitest';
import { ConstantLR } from './constant-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('ConstantLR', () => {
  describeGolden('constant-lr');

  it('scales by factor until totalIters, then restores the lr', () => {
    const s = new ConstantLR(opt(0.8), { factor: 0.5, totalIters: 2 });
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 3; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([0.4, 0.4, 0.8, 0.8]);
  });

  it('rejects a factor outside (0, 1] and a bad totalIters', () => {
    expect(() => new ConstantLR(opt(0.1), { factor: 0 })).toThrow('ConstantLR: factor must be in (0, 1], got 0');
    expect(() => new ConstantLR(opt(0.1), { factor: 2 })).toThrow('ConstantLR: factor must be in (0, 1], got 2');
    expect(() => new ConstantLR(opt(0.1), { totalIters: -1 })).toThrow(
      'ConstantLR: totalIters must be a positive integer, got -1',
    );
  });
});
