import { backward } from '@nn/autograd';
import { ones, tensor, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits, crossEntropy, huberLoss, mseLoss, nllLoss } from '../index.js';

describe('loss argument checks', () => {
  it('reject a reduction other than mean, sum or none', () => {
    for (const [name, f] of [['mseLoss', mseLoss], ['huberLoss', huberLoss], ['binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits]] as const)
      expect(() => f(ones([2]), ones([2]), { reduction: 'avg' as never })).toThrow(`${name}: reduction must be 'mean', 'sum' or 'none', got 'avg'`);
    expect(() => crossEntropy(ones([2, 3]), tensor([0, 1], { dtype: 'int32' }), { reduction: 'batchmean' as never })).toThrow(
      "crossEntropy: reduction must be 'mean', 'sum' or 'none', got 'batchmean'",
    );
    expect(() => nllLoss(ones([2, 3]), tensor([0, 1], { dtype: 'int32' }), { reduction: null as never })).toThrow('nllLoss: reduction must be');
  });

  it('name both shapes when input and target differ (no silent broadcasting of [N,1] against [N])', () => {
    expect(() => mseLoss(ones([3, 1]), ones([3]))).toThrow('mseLoss: target shape [3] must match input shape [3,1]');
    expect(() => huberLoss(ones([2, 2]), ones([4]))).toThrow('huberLoss: target shape [4] must match input shape [2,2]');
    expect(() => binaryCrossEntropyWithLogits(ones([4]), ones([4, 1]))).toThrow(
      'binaryCrossEntropyWithLogits: target shape [4,1] must match input shape [4]',
    );
    expect(() => crossEntropy(ones([4, 3]), tensor([0, 1, 2], { dtype: 'int32' }))).toThrow(
      'crossEntropy: expected int32 target (class indices) of shape [4] for input of shape [4,3], got [3]',
    );
    expect(() => crossEntropy(ones([2, 3, 5]), zeros([2, 3], { dtype: 'int32' }))).toThrow(
      'crossEntropy: expected int32 target (class indices) of shape [2,5] for input of shape [2,3,5], got [2,3]',
    );
    expect(() => crossEntropy(ones([4, 3]), ones([4, 2]))).toThrow(
      "crossEntropy: a float32 target (class probabilities) must have the input's shape [4,3], got [4,2]",
    );
    expect(() => nllLoss(ones([4, 3]), zeros([4, 1], { dtype: 'int32' }))).toThrow('nllLoss: expected int32 target (class indices) of shape [4]');
  });

  it('reject class indices outside [0, C) that are not ignoreIndex (checked on the CPU)', () => {
    const logits = zeros([3, 4]);
    expect(() => crossEntropy(logits, tensor([0, 4, 1], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target 4 (at flat index 1) is out of bounds: expected a class in [0, 4) or ignoreIndex -100',
    );
    expect(() => crossEntropy(logits, tensor([0, -1, 1], { dtype: 'int32' }))).toThrow('crossEntropy: target -1 (at flat index 1) is out of bounds');
    expect(() => nllLoss(logits, tensor([7, 0, 1], { dtype: 'int32' }), { ignoreIndex: 3 })).toThrow(
      'nllLoss: target 7 (at flat index 0) is out of bounds: expected a class in [0, 4) or ignoreIndex 3',
    );
    expect(crossEntropy(logits, tensor([0, -100, 1], { dtype: 'int32' })).item()).toBeCloseTo(Math.log(4), 6);
  });

  it('reject wrong dtypes', () => {
    expect(() => crossEntropy(ones([2, 3]), tensor([true, false]))).toThrow(
      'crossEntropy: target must be int32 class indices or float32 class probabilities, got bool',
    );
    expect(() => crossEntropy(ones([2, 3], { dtype: 'int32' }), tensor([0, 1], { dtype: 'int32' }))).toThrow(
      'crossEntropy: input must have dtype float32, got int32',
    );
    expect(() => nllLoss(ones([2, 3]), tensor([0, 1]))).toThrow("nllLoss: target must be int32 class indices, got float32 (cast it with target.cast('int32'))");
    expect(() => crossEntropy(ones([2, 3]), tensor([0, 1]))).toThrow(
      "crossEntropy: a float32 target (class probabilities) must have the input's shape [2,3], got [2]; for class indices pass an int32 target (target.cast('int32'))",
    );
    expect(() => mseLoss(ones([2]), tensor([1, 2], { dtype: 'int32' }))).toThrow(
      "mseLoss: target must be float32, got int32 (cast it with target.cast('float32'))",
    );
    expect(() => binaryCrossEntropyWithLogits(ones([2]), tensor([true, false]))).toThrow('binaryCrossEntropyWithLogits: target must be float32, got bool');
    expect(() => mseLoss([1, 2] as never, ones([2]))).toThrow('mseLoss: input must be a Tensor, got an array');
  });

  it('validate options', () => {
    const t = tensor([0, 1], { dtype: 'int32' });
    expect(() => crossEntropy(ones([2, 3]), t, { labelSmoothing: 1.5 })).toThrow('crossEntropy: labelSmoothing must be a finite number in [0, 1], got 1.5');
    expect(() => crossEntropy(ones([2, 3]), t, { weight: ones([2]) })).toThrow(
      'crossEntropy: weight must have shape [3] (one per class of input shape [2,3]), got [2]',
    );
    expect(() => crossEntropy(ones([2, 3]), t, { ignoreIndex: 0.5 })).toThrow('crossEntropy: ignoreIndex must be an integer');
    expect(() => crossEntropy(ones([2, 3]), t, { label_smoothing: 0.1 } as never)).toThrow(
      "crossEntropy: unknown option 'label_smoothing' (options: reduction, labelSmoothing, weight, ignoreIndex)",
    );
    expect(() => huberLoss(ones([2]), ones([2]), { delta: 0 })).toThrow('huberLoss: delta must be a finite number > 0, got 0');
    expect(() => binaryCrossEntropyWithLogits(ones([2, 3]), ones([2, 3]), { posWeight: ones([2]) })).toThrow(
      "binaryCrossEntropyWithLogits: posWeight of shape [2] cannot be broadcast to the input's shape [2,3]",
    );
    expect(() => binaryCrossEntropyWithLogits(ones([3]), ones([3]), { weight: ones([2, 3]) })).toThrow(
      "binaryCrossEntropyWithLogits: weight of shape [2,3] cannot be broadcast to the input's shape [3]",
    );
    expect(() => crossEntropy(zeros([]), tensor(0, { dtype: 'int32' }))).toThrow('crossEntropy: input must have at least 1 dim');
  });
});

describe('loss numerics', () => {
  it('crossEntropy of logits ±1e4 is finite, with finite gradients, for index and probability targets', () => {
    const x = tensor([[1e4, -1e4, 0], [-1e4, 1e4, 1e4]], { requiresGrad: true });
    const loss = crossEntropy(x, tensor([1, 0], { dtype: 'int32' }), { labelSmoothing: 0.1 });
    expect(Number.isFinite(loss.item())).toBe(true);
    backward(loss);
    expect(x.grad!.dataSync().every(Number.isFinite)).toBe(true);
    const probs = crossEntropy(x.detach(), tensor([[0, 1, 0], [0.5, 0, 0.5]]));
    expect(probs.item()).toBeCloseTo((2e4 + 1e4 + Math.log(2) / 2) / 2, 0);
  });

  it('binaryCrossEntropyWithLogits is finite for huge logits and has gradient σ(0) − y at 0', () => {
    const x = tensor([1e4, -1e4, 0, 0], { requiresGrad: true });
    const y = tensor([0, 1, 1, 0]);
    const loss = binaryCrossEntropyWithLogits(x, y, { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(2e4 + 2 * Math.log(2), 0);
    backward(loss);
    expect(Array.from(x.grad!.dataSync())).toEqual([1, -1, -0.5, 0.5]);
  });

  it('huberLoss has gradient clamp(d, -delta, delta)', () => {
    const x = tensor([-3, -0.5, 0, 0.25, 2], { requiresGrad: true });
    backward(huberLoss(x, zeros([5]), { reduction: 'sum', delta: 1 }));
    expect(Array.from(x.grad!.dataSync())).toEqual([-1, -0.5, 0, 0.25, 1]);
  });

  it('all-ignored targets give a NaN mean with zero gradient (PyTorch)', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const loss = crossEntropy(x, tensor([-100, -100], { dtype: 'int32' }));
    expect(loss.item()).toBeNaN();
    backward(loss);
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0, 0]);
    expect(crossEntropy(x.detach(), tensor([-100, -100], { dtype: 'int32' }), { reduction: 'sum' }).item()).toBe(0);
  });
});
