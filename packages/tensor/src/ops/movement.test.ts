import { describe, expect, it } from 'vitest';
import {
  cat, concat, expand, flatten, memory, narrow, pad, permute, reshape, slice, squeeze, stack, tensor, transpose, unsqueeze, zeros,
} from '../index.js';

describe('movement validation', () => {
  const x = zeros([2, 3, 4]);
  it('reshape names both shapes', () => {
    expect(() => reshape(x, [5, 5])).toThrow('reshape: shape [5,5] is invalid for input of shape [2,3,4] (24 elements)');
    expect(() => reshape(x, [5, -1])).toThrow('reshape: shape [5,-1] is invalid for input of shape [2,3,4] (24 elements)');
    expect(() => reshape(x, [-1, -1])).toThrow('reshape: shape [-1,-1] is invalid for input of shape [2,3,4] (24 elements): only one dimension can be -1');
    expect(() => reshape(x, [-2, -12])).toThrow('sizes must be non-negative or -1');
    expect(() => reshape(x, [2.5] as never)).toThrow('reshape: shape must be an integer or an array of integers, got [2.5]');
  });
  it('dims out of range name the op, the dim and the rank', () => {
    expect(() => transpose(x, 0, 3)).toThrow('transpose: dim1 3 out of range for a tensor of rank 3 (expected -3..2)');
    expect(() => flatten(x, 0, -4)).toThrow('flatten: endDim -4 out of range for a tensor of rank 3');
    expect(() => flatten(x, 2, 1)).toThrow('flatten: startDim 2 comes after endDim 1 (shape [2,3,4])');
    expect(() => squeeze(x, 3)).toThrow('squeeze: dim 3 out of range for a tensor of rank 3');
    expect(() => unsqueeze(x, 4)).toThrow('unsqueeze: dim 4 out of range for a new dim of a rank-3 tensor (expected -4..3)');
    expect(() => unsqueeze(x, -5)).toThrow('unsqueeze: dim -5 out of range');
    expect(() => slice(x, -4)).toThrow('slice: dim -4 out of range for a tensor of rank 3');
    expect(() => concat([x, x], 3)).toThrow('concat: dim 3 out of range for a tensor of rank 3');
    expect(() => stack([x], 4)).toThrow('stack: dim 4 out of range for a new dim of a rank-3 tensor (expected -4..3)');
  });
  it('permute needs a permutation', () => {
    expect(() => permute(x, [0, 1])).toThrow('permute: dims [0,1] has 2 entries but x has rank 3 (shape [2,3,4])');
    expect(() => permute(x, [0, 1, -3])).toThrow('permute: dims [0,1,-3] repeats a dimension (shape [2,3,4])');
  });
  it('expand only grows size-1 dims', () => {
    expect(() => expand(x, [2, 5, 4])).toThrow(
      'expand: size 5 must match the existing size 3 at dim 1 unless that size is 1 (shape [2,3,4] → [2,5,4])',
    );
    expect(() => expand(x, [3, 4])).toThrow('expand: shape [3,4] has fewer dims than x (shape [2,3,4]); it needs at least 3');
    expect(() => expand(zeros([3]), [-1, 3])).toThrow('expand: size -1 is not allowed for the new leading dim 0');
  });
  it('concat and stack name the mismatching tensor and shapes', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 3]), zeros([3, 3])], 1)).toThrow(
      'concat: tensor 2 has shape [3,3] but tensor 0 has shape [2,3]; sizes must match except in dim 1',
    );
    expect(() => cat([zeros([2, 3]), zeros([2])])).toThrow('cat: tensor 1 has shape [2] but tensor 0 has shape [2,3]');
    expect(() => concat([])).toThrow('concat: tensors must be a non-empty array');
    expect(() => concat([tensor(1), tensor(2)])).toThrow('concat: tensor 0 is 0-d');
    expect(() => concat([zeros([2]), 3 as never])).toThrow('concat: tensors[1] must be a Tensor, got number 3');
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(
      'stack: tensor 1 has shape [3] but tensor 0 has shape [2]; stack needs equal shapes',
    );
  });
  it('narrow is strict where slice clamps', () => {
    expect(slice(zeros([4]), 0, 2, 10).shape).toEqual([2]);
    expect(() => narrow(zeros([4]), 0, 2, 3)).toThrow('narrow: start 2 + length 3 exceeds dim 0 of size 4 (shape [4])');
    expect(() => narrow(zeros([4]), 0, 5, 0)).toThrow('narrow: start 5 is out of range for dim 0 of size 4');
    expect(() => narrow(zeros([4]), 0, 0, -1)).toThrow('narrow: length must be non-negative, got -1');
    expect(() => slice(zeros([4]), 0, 1.5)).toThrow('slice: start must be an integer, got number 1.5');
    expect(() => slice(tensor(1), 0)).toThrow('slice: cannot slice a 0-d tensor');
  });
  it('pad needs non-negative pairs for at most rank dims', () => {
    expect(() => pad(zeros([2]), [1])).toThrow('pad: pad must have an even number of entries (pairs per dim), got [1]');
    expect(() => pad(zeros([2]), [1, 1, 1, 1])).toThrow('pad: pad [1,1,1,1] pads 2 dims but x has rank 1 (shape [2])');
    expect(() => pad(zeros([2]), [1, -1])).toThrow('pad: pad values must be non-negative, got [1,-1]');
  });
  it('shape-only ops share storage; stack frees its temporaries', () => {
    const before = memory();
    const y = reshape(x, [6, 4]);
    expect(memory().numDataBuffers).toBe(before.numDataBuffers);
    const s = stack([x, x]);
    expect(s.shape).toEqual([2, 2, 3, 4]);
    expect(memory().numTensors).toBe(before.numTensors + 2);
    y.dispose();
    s.dispose();
  });
});
