import { describe, expect, it } from 'vitest';
import { IN_PLACE_METHODS, memory, tensor, tidy, type Tensor } from './index.js';

const vals = (t: Tensor) => Array.from(t.dataSync());

describe('in-place ops', () => {
  it('each returns the same tensor object holding the new values', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const id = x.id;
    expect(x.add_(1)).toBe(x);
    expect(vals(x)).toEqual([2, 3, 4, 5]);
    expect(vals(x.sub_(tensor([1, 2])))).toEqual([1, 1, 3, 3]);
    expect(vals(x.mul_(2))).toEqual([2, 2, 6, 6]);
    expect(vals(x.div_(tensor([[2], [3]])))).toEqual([1, 1, 2, 2]);
    expect(vals(x.add_(tensor([1, 1]), { alpha: 3 }))).toEqual([4, 4, 5, 5]);
    expect(vals(x.sub_(1, { alpha: 0.5 }))).toEqual([3.5, 3.5, 4.5, 4.5]);
    expect(vals(x.clamp_(null, 4))).toEqual([3.5, 3.5, 4, 4]);
    expect(vals(x.clamp_(3.75))).toEqual([3.75, 3.75, 4, 4]);
    expect(vals(x.fill_(7))).toEqual([7, 7, 7, 7]);
    expect(vals(x.fill_(tensor(2)))).toEqual([2, 2, 2, 2]);
    expect(vals(x.copy_(tensor([5, 6])))).toEqual([5, 6, 5, 6]);
    expect(vals(x.copy_(tensor([[1, 2], [3, 4]], { dtype: 'int32' })))).toEqual([1, 2, 3, 4]);
    expect(x.dtype).toBe('float32');
    expect(vals(x.zero_())).toEqual([0, 0, 0, 0]);
    expect(x.id).toBe(id);
    expect(x.shape).toEqual([2, 2]);
    expect(IN_PLACE_METHODS.sort()).toEqual(['add_', 'clamp_', 'copy_', 'div_', 'fill_', 'mul_', 'requiresGrad_', 'sub_', 'zero_']);
  });

  it('int32 and bool tensors keep their dtype; fill_ converts the value', () => {
    const n = tensor([1, 2, 3], { dtype: 'int32' });
    expect(vals(n.add_(2).mul_(3))).toEqual([9, 12, 15]);
    expect(vals(n.fill_(2.7))).toEqual([2, 2, 2]);
    expect(n.dtype).toBe('int32');
    const b = tensor([true, false]);
    expect(vals(b.fill_(1))).toEqual([1, 1]);
    expect(vals(b.copy_(tensor([0, 3])))).toEqual([0, 1]);
    expect(b.dtype).toBe('bool');
  });

  it('swaps storage: other tensors sharing the old storage keep the old values', () => {
    const x = tensor([1, 2, 3]);
    const d = x.detach();
    x.add_(1);
    expect(vals(d)).toEqual([1, 2, 3]);
    expect(vals(x)).toEqual([2, 3, 4]);
  });

  it('frees the replaced storage and the temporaries (inside and outside tidy)', () => {
    const x = tensor([1, 2, 3]);
    const before = memory();
    x.add_(tensor([1, 1, 1]).mul(2)).clamp_(0, 3).fill_(1).copy_(tensor([4, 5, 6]));
    const afterOps = memory();
    // Only the temporaries the test itself made outside a tidy remain (two inputs, their product).
    expect(afterOps.numTensors - before.numTensors).toBe(3);
    tidy(() => {
      x.mul_(2).sub_(1);
    });
    expect(memory().numTensors).toBe(afterOps.numTensors);
    expect(vals(x)).toEqual([7, 9, 11]);
  });

  it('rejects a result of another shape or dtype, leaving the tensor unchanged', () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.add_(tensor([[1, 2, 3], [4, 5, 6]]))).toThrow("add_: output with shape [3] doesn't match the broadcast shape [2,3]");
    const n = tensor([1, 2], { dtype: 'int32' });
    expect(() => n.add_(0.5)).toThrow("add_: result type float32 can't be cast to the desired output type int32");
    expect(() => n.div_(2)).toThrow("div_: result type float32 can't be cast to the desired output type int32");
    expect(vals(n)).toEqual([1, 2]);
    expect(() => x.copy_(tensor([1, 2]))).toThrow('copy_: shapes [3] and [2] cannot be broadcast together');
    expect(() => x.copy_(tensor([[1, 2, 3], [1, 2, 3]]))).toThrow("copy_: src of shape [2,3] cannot be broadcast to this tensor's shape [3]");
    expect(() => x.fill_(tensor([1, 2]))).toThrow('fill_: value must be a 0-d tensor or a number, got a tensor of shape [2]');
    expect(() => x.fill_('1' as unknown as number)).toThrow('fill_: value must be a number, boolean or 0-d tensor, got string 1');
    expect(() => x.add_(1, { alpha: '2' as unknown as number })).toThrow('add_: alpha must be a number, got string 2');
    expect(() => x.clamp_()).toThrow('clamp: at least one of min and max must be given');
    x.dispose();
    expect(() => x.zero_()).toThrow('zero_: this (shape [3], float32) has been disposed');
  });

  it('requiresGrad_ sets the flag and returns the tensor', () => {
    const x = tensor([1, 2]);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    expect(x.requiresGrad_(false).requiresGrad).toBe(false);
    expect(() => tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow('requiresGrad: only floating (float32, float16) tensors can require gradients, got int32');
    expect(() => x.requiresGrad_(1 as unknown as boolean)).toThrow('requiresGrad_: requiresGrad must be a boolean, got number 1');
  });
});

describe('view, t, numel, float, int, bool, item', () => {
  it('view reshapes (one -1 allowed), variadic or as an array', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    expect(x.view(2, 3).shape).toEqual([2, 3]);
    expect(x.view([-1, 2]).shape).toEqual([3, 2]);
    expect(vals(x.view(3, -1))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => x.view(4, -1)).toThrow('reshape: shape [4,-1] is invalid for input of shape [6] (6 elements)');
  });

  it('t transposes 2-D tensors and returns 0-d and 1-D ones as they are', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(m.t().shape).toEqual([3, 2]);
    expect(vals(m.t())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(tensor([1, 2]).t().shape).toEqual([2]);
    expect(tensor(3).t().shape).toEqual([]);
    expect(() => tensor([[[1]]]).t()).toThrow('t: expects a tensor with <= 2 dims, got shape [1,1,1]');
  });

  it('numel, and the casts', () => {
    const x = tensor([[1.7, -2.5, 0]]);
    expect(x.numel()).toBe(3);
    expect(tensor(1).numel()).toBe(1);
    expect(x.int().dtype).toBe('int32');
    expect(vals(x.int())).toEqual([1, -2, 0]);
    expect(vals(x.bool())).toEqual([1, 1, 0]);
    expect(x.int().float().dtype).toBe('float32');
  });

  it('item() is a number for every dtype (bool gives 1 or 0), so it adds up without a cast', () => {
    let total = 0;
    total += tensor([2.5]).item();
    total += tensor(3, { dtype: 'int32' }).item();
    total += tensor(true).item();
    expect(total).toBe(6.5);
    expect(tensor(false).item()).toBe(0);
  });
});
