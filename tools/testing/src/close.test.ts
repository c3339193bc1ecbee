import { describe, expect, it } from 'vitest';
import { expectClose } from './close.js';

describe('expectClose', () => {
  it('accepts values within atol + rtol·|expected|, and nothing beyond', () => {
    expect(() => expectClose([1.000009, -2], [1, -2], { rtol: 1e-5, atol: 0 })).not.toThrow();
    expect(() => expectClose([1.00002], [1], { rtol: 1e-5, atol: 0 })).toThrow('1 of 1 elements differ');
    expect(() => expectClose([1e-7], [0], { rtol: 0, atol: 1e-7 })).not.toThrow();
    expect(() => expectClose([2e-7], [0], { rtol: 0, atol: 1e-7 })).toThrow();
    expect(() => expectClose([0.1], [0.1], { rtol: 0, atol: 0 })).not.toThrow();
    expect(() => expectClose([-0], [0], { rtol: 0, atol: 0 })).not.toThrow();
  });

  it('uses the float32 defaults rtol 1e-5, atol 1e-6 when none are given', () => {
    expect(() => expectClose([100.0009, 1.9e-6], [100, 1e-6])).not.toThrow();
    expect(() => expectClose([100.0012], [100])).toThrow('(rtol 0.00001, atol 0.000001)');
  });

  it('treats NaN as equal to NaN only, and requires infinities to match exactly', () => {
    expect(() => expectClose([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity], { rtol: 0, atol: 0 })).not.toThrow();
    expect(() => expectClose([1], [NaN], { rtol: 1, atol: 1 })).toThrow('element 0 is 1, expected NaN');
    expect(() => expectClose([NaN], [1], { rtol: 1, atol: 1 })).toThrow('element 0 is NaN, expected 1');
    // |1e30 − inf| ≤ rtol·inf would hold: an infinite expectation must be met by the same infinity.
    expect(() => expectClose([1e30], [Infinity], { rtol: 1e-5, atol: 0 })).toThrow('element 0 is 1e+30, expected Infinity');
    expect(() => expectClose([-Infinity], [Infinity], { rtol: 1e-5, atol: 1 })).toThrow();
  });

  it('names the label, the number of mismatches and the worst element with both values', () => {
    expect(() => expectClose([1.1, 2, 3.5, 4.2], [1, 2, 3, 4], { rtol: 0, atol: 0.01, label: 'grad w' })).toThrow(
      'grad w: 3 of 4 elements differ; worst: element 2 is 3.5, expected 3 (rtol 0, atol 0.01)',
    );
    expect(() => expectClose(new Float32Array(2), [0, 0, 0], { label: 'y' })).toThrow('y: 2 elements, expected 3');
  });
});
