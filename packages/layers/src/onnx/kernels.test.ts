import { Module } from '../index.js';
import {
  abs, argmax, cast, clamp, concat, cos, exp, gather, gt, indexSelect, log, logSoftmax, logsumexp, manualSeed, max, maximum, mean, min,
  ne, pow, randn, rsqrt, sin, sort, sqrt, stack, std, sum, tensor, topk, where, type Tensor,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectSameAsOnnx, graphOf } from './onnx-runtime.test-util.js';

/** Tensor ops beyond the layers: each kernel's emitter checked against @nn by onnxruntime. */
class Ops extends Module<[Tensor, Tensor], Tensor[]> {
  forward(x: Tensor, index: Tensor): Tensor[] {
    const positive = gt(x, 0);
    const a = where(positive, sqrt(abs(x)), pow(exp(x), 2));
    const b = add3(sin(x), cos(x), rsqrt(abs(x).add(1)));
    const stats = concat([sum(x, 1, true), mean(x, 1, true), max(x, 1, true), min(x, -1, true), std(x, 1, { keepdim: true }), logsumexp(x, 1, true)], 1);
    const picked = gather(x, 1, index);
    const rows = indexSelect(x, 0, tensor([2, 0], { dtype: 'int32' }));
    const { values, indices } = topk(x, 2, 1);
    const sorted = sort(x, 0, { descending: true }).values;
    const flags = cast(ne(positive, gt(x, 0.5)), 'float32');
    return [
      a, b, stats, picked, rows, values, indices, sorted, flags, logSoftmax(x, 0),
      argmax(x, 1), argmax(x), clamp(log(abs(x)), -1, 1), maximum(x, 0.25), stack([x, x.neg()], 2).reshape([3, -1]),
      sum(positive), x.index(null, [1, 3]),
    ];
  }
}

function add3(a: Tensor, b: Tensor, c: Tensor): Tensor {
  return a.add(b).add(c);
}

describe('exportOnnx: tensor ops', () => {
  // Opsets 13, 18 and 21: reductions take their axes as an attribute before 18, as an input from 18 on.
  it.each([13, 18, 21])('elementwise, comparisons, reductions, indexing, sorting and casts match @nn (opset %i)', async (opset) => {
    manualSeed(40);
    const x = randn([3, 4]);
    const index = tensor([[0, 3], [1, 1], [2, 0]], { dtype: 'int32' });
    const { bytes } = await expectSameAsOnnx(new Ops(), [x, index], { opset });
    expect(graphOf(bytes).ops).toEqual(expect.arrayContaining(['Where', 'TopK', 'GatherElements', 'Gather', 'ReduceMax', 'ArgMax', 'Cast', 'Not']));
  });
});
