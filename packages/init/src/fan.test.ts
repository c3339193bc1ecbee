import { describe, expect, it } from 'vitest';
import { fanInFanOut } from '@nn/init';
import golden from './golden/init.json' with { type: 'json' };

describe('fanInFanOut', () => {
  it('matches PyTorch _calculate_fan_in_and_fan_out', () => {
    for (const { shape, fanIn, fanOut } of golden.fans) expect(fanInFanOut(shape), `${shape}`).toEqual({ fanIn, fanOut });
  });
  it('destructures as a [fanIn, fanOut] pair like the PyTorch tuple', () => {
    const [fanIn, fanOut] = fanInFanOut([16, 8, 3, 3]);
    expect([fanIn, fanOut]).toEqual([72, 144]);
    expect(Object.keys(fanInFanOut([2, 3]))).toEqual(['fanIn', 'fanOut']);
  });
  it('rejects shapes of rank < 2 and invalid shapes', () => {
    expect(() => fanInFanOut([5])).toThrow('fanInFanOut: shape must have at least 2 dimensions to define fan in and fan out, got [5]');
    expect(() => fanInFanOut([])).toThrow('fanInFanOut: shape must have at least 2 dimensions to define fan in and fan out, got []');
    expect(() => fanInFanOut(4)).toThrow('got [4]');
    expect(() => fanInFanOut([2, -1])).toThrow('fanInFanOut: shape must be a non-negative integer or an array of them, got [2,-1]');
  });
});
