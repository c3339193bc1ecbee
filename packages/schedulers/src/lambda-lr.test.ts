import { describe, expect, it } from 'vitest';
import { LambdaLR } from './lambda-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('LambdaLR', () => {
  describeGolden('lambda-lr');

  it('sets lr = initialLr · lrLambda(epoch)', () => {
    const s = new LambdaLR(opt(0.5, 2), { lrLambda: [(e) => e + 1, (e) => 1 / (e + 1)] });
    s.step();
    expect(s.getLastLr()).toEqual([1, 1]);
  });

  it('saves null in place of each function and keeps its own functions on load', () => {
    const s = new LambdaLR(opt(0.5, 2), { lrLambda: (e) => 0.5 ** e });
    s.step();
    const sd = s.stateDict();
    expect(sd.lrLambdas).toEqual([null, null]);
    const t = new LambdaLR(opt(0.5, 2), { lrLambda: (e) => 0.5 ** e });
    t.loadStateDict(JSON.parse(JSON.stringify(sd)));
    t.step();
    expect(t.getLastLr()).toEqual([0.125, 0.5]);
  });

  it('rejects a missing function, a wrong count, and a lambda returning a non-number', () => {
    expect(() => new LambdaLR(opt(0.1), {} as never)).toThrow(
      'LambdaLR: lrLambda must be a function or an array of functions, got undefined',
    );
    expect(() => new LambdaLR(opt(0.1, 0.2), { lrLambda: [() => 1] })).toThrow(
      'LambdaLR: expected 2 lrLambda functions (one per param group), got 1',
    );
    expect(() => new LambdaLR(opt(0.1), { lrLambda: [3 as never] })).toThrow(
      'LambdaLR: lrLambda[0] must be a function, got 3',
    );
    expect(() => new LambdaLR(opt(0.1), { lrLambda: (() => 'x') as never })).toThrow(
      "LambdaLR: lrLambda for paramGroups[0] returned 'x' at epoch 0; expected a finite number",
    );
  });

  it('leaves the optimizer untouched when its arguments are rejected', () => {
    const o = opt(0.1);
    expect(() => new LambdaLR(o, { lrLambda: 1 as never })).toThrow();
    expect(o.paramGroups[0]).toEqual({ lr: 0.1 });
  });
});
