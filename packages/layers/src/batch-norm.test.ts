import { backward } from '@nn/autograd';
import { memory, mul, ones, sum, tensor, tidy } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from './testing/golden.js';

interface BnStep {
  training: boolean;
  x: Encoded;
  g: Encoded;
  y: Encoded;
  dx: Encoded;
  dweight?: Encoded;
  dbias?: Encoded;
  runningMean?: Encoded;
  runningVar?: Encoded;
  numBatchesTracked?: number;
}
interface BnCase {
  name: string;
  numFeatures: number;
  options: BatchNormOptions;
  weight?: Encoded;
  bias?: Encoded;
  steps: BnStep[];
}
const golden = readGolden<{ batchnorm: BnCase[] }>('layers.json');
const golden2d = readGolden<{ batchnorm2d: BnCase[] }>('conv.json');

/** Runs a golden case's training batches, then its evaluation batch, checking every output and statistic. */
function runSteps(bn: BatchNorm1d | BatchNorm2d, c: BnCase): void {
  if (c.weight) {
    bn.weight!.assign(decode(c.weight));
    bn.bias!.assign(decode(c.bias!));
  }
  c.steps.forEach((s, i) => {
    const where = `step ${i} (${s.training ? 'train' : 'eval'})`;
    bn.train(s.training);
    const x = decode(s.x, { requiresGrad: true });
    const y = bn.call(x);
    expectGolden(y, s.y, `${where} y`, FLOAT32);
    backward(sum(mul(y, decode(s.g))));
    expectGolden(x.grad!, s.dx, `${where} dx`, FLOAT32);
    if (s.dweight) {
      expectGolden(bn.weight!.grad!, s.dweight, `${where} dweight`, FLOAT32);
      expectGolden(bn.bias!.grad!, s.dbias!, `${where} dbias`, FLOAT32);
    }
    if (s.runningMean) {
      expectGolden(bn.runningMean!, s.runningMean, `${where} runningMean`, FLOAT32);
      expectGolden(bn.runningVar!, s.runningVar!, `${where} runningVar`, FLOAT32);
      expect(bn.numBatchesTracked!.item()).toBe(s.numBatchesTracked);
    }
    bn.zeroGrad();
  });
}

describe('BatchNorm1d against PyTorch: training batches, then evaluation', () => {
  for (const c of golden.batchnorm) it(c.name, () => runSteps(new BatchNorm1d(c.numFeatures, c.options), c));
});

describe('BatchNorm2d against PyTorch: training batches, then evaluation', () => {
  for (const c of golden2d.batchnorm2d) it(c.name, () => runSteps(new BatchNorm2d(c.numFeatures, c.options), c));
});

describe('BatchNorm2d', () => {
  it('has BatchNorm1d\'s state-dict keys and takes [N, C, H, W] only', () => {
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(String(bn)).toBe('BatchNorm2d(3, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)');
    expect(() => bn.forward(ones([4, 3, 5]))).toThrow('BatchNorm2d: expected input of shape [N, 3, H, W], got [4,3,5]');
    expect(() => bn.forward(ones([4, 2, 5, 5]))).toThrow('BatchNorm2d: expected input of shape [N, 3, H, W], got [4,2,5,5]');
    expect(() => bn.forward(ones([1, 3, 1, 1]))).toThrow('BatchNorm2d: Expected more than 1 value per channel when training, got input of shape [1,3,1,1]');
    expect(() => new BatchNorm2d(3, { momentun: 0.1 } as never)).toThrow("BatchNorm2d: unknown option 'momentun'");
  });
});

describe('BatchNorm1d', () => {
  it('registers PyTorch names: weight, bias, running_mean, running_var, num_batches_tracked', () => {
    const bn = new BatchNorm1d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(bn.weight!.arraySync()).toEqual([1, 1, 1]);
    expect(bn.bias!.arraySync()).toEqual([0, 0, 0]);
    expect(bn.runningMean!.arraySync()).toEqual([0, 0, 0]);
    expect(bn.runningVar!.arraySync()).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked!.shape).toEqual([]);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.runningMean!.requiresGrad).toBe(false);
    expect(Object.keys(new BatchNorm1d(2, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(Object.keys(new BatchNorm1d(2, { trackRunningStats: false }).stateDict())).toEqual(['weight', 'bias']);
    expect(String(bn)).toBe('BatchNorm1d(3, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)');
  });

  it('normalises with the biased batch variance and tracks the unbiased one', () => {
    const bn = new BatchNorm1d(1, { momentum: 1 });
    const y = bn.forward(tensor([[1], [3]]));
    // mean 2, biased var 1 → ±1/√(1 + eps); unbiased var 2.
    expectClose(y.dataSync(), [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)], { ...FLOAT32, label: 'y' });
    expect(bn.runningMean!.arraySync()).toEqual([2]);
    expect(bn.runningVar!.arraySync()).toEqual([2]);
    bn.eval();
    expectClose(bn.forward(tensor([[2 + Math.sqrt(2)]])).dataSync(), [Math.sqrt(2 / (2 + 1e-5))], { ...FLOAT32, label: 'eval y' });
  });

  it('rejects a single value per channel when training, like PyTorch, but not in evaluation', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.forward(ones([1, 3]))).toThrow(
      'BatchNorm1d: Expected more than 1 value per channel when training, got input of shape [1,3]',
    );
    expect(() => bn.forward(ones([1, 3, 1]))).toThrow('Expected more than 1 value per channel when training');
    expect(bn.numBatchesTracked!.item()).toBe(0);
    bn.eval();
    expect(bn.forward(ones([1, 3])).shape).toEqual([1, 3]);
    expect(() => new BatchNorm1d(3, { trackRunningStats: false }).eval().forward(ones([1, 3]))).toThrow('more than 1 value per channel');
  });

  it('does not record the running-statistics update and frees its temporaries', () => {
    const bn = new BatchNorm1d(4);
    const x = tensor([[1, 2, 3, 4], [0, -1, 5, 2], [3, 3, 3, 3]], { requiresGrad: true });
    const step = () => {
      tidy(() => backward(bn.forward(x).sum()));
      bn.zeroGrad();
    };
    step(); // creates x.grad
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(memory().numTensors).toBe(before);
    expect(bn.numBatchesTracked!.item()).toBe(6);
    for (const b of [bn.runningMean!, bn.runningVar!, bn.numBatchesTracked!]) expect(b.requiresGrad).toBe(false);
    // The buffers are still the registered tensors (updated in place).
    expect(bn.buffers()).toEqual([bn.runningMean, bn.runningVar, bn.numBatchesTracked]);
  });

  it('evaluation mode uses the running statistics; an update afterwards does not disturb its backward', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5 });
    bn.forward(tensor([[0, 1], [2, 5]]));
    bn.eval();
    const x = tensor([[1, 3]], { requiresGrad: true });
    const y = bn.forward(x);
    bn.train();
    bn.forward(tensor([[4, 4], [0, 0]])); // assigns new running statistics
    backward(y.sum());
    // d/dx of (x − mean)/√(var + eps) with the running var at the time: 0.5·1 + 0.5·2 = 1.5 and 0.5·1 + 0.5·8 = 4.5.
    expectClose(x.grad!.dataSync(), [1 / Math.sqrt(1.5 + 1e-5), 1 / Math.sqrt(4.5 + 1e-5)], { ...FLOAT32, label: 'dx' });
  });

  it('validates its arguments and inputs', () => {
    expect(() => new BatchNorm1d(0)).toThrow('BatchNorm1d: numFeatures must be an integer >= 1, got 0');
    expect(() => new BatchNorm1d(2, { momentum: 1.5 })).toThrow('BatchNorm1d: momentum must be a number in [0, 1] or null, got 1.5');
    expect(() => new BatchNorm1d(2, { eps: -1 })).toThrow('BatchNorm1d: eps must be a finite number >= 0, got -1');
    expect(() => new BatchNorm1d(2, { affine: 'yes' } as never)).toThrow("BatchNorm1d: affine must be a boolean, got 'yes'");
    expect(() => new BatchNorm1d(2, { momentun: 0.1 } as never)).toThrow("BatchNorm1d: unknown option 'momentun'");
    const bn = new BatchNorm1d(3);
    expect(() => bn.forward(ones([4, 2]))).toThrow('BatchNorm1d: expected input of shape [N, 3] or [N, 3, L], got [4,2]');
    expect(() => bn.forward(ones([4, 3, 2, 1]))).toThrow('BatchNorm1d: expected input of shape [N, 3] or [N, 3, L], got [4,3,2,1]');
    expect(() => bn.forward(ones([3]))).toThrow('got [3]');
    expect(() => bn.forward(ones([4, 3], { dtype: 'int32' }))).toThrow('BatchNorm1d: input must have dtype float32, got int32');
  });
});
