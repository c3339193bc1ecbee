import { dispose, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from './collate.js';

describe('defaultCollate', () => {
  it('stacks tensors along a new first dim', () => {
    const b = tidy(() => defaultCollate([tensor([[1, 2]]), tensor([[3, 4]]), tensor([[5, 6]])]));
    expect(b.shape).toEqual([3, 1, 2]);
    expect(b.arraySync()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
    b.dispose();
  });

  it('turns numbers into float32, booleans into bool, typed arrays into rows; keeps strings as a list', () => {
    const b = defaultCollate([
      { n: 1, ok: true, f: new Float64Array([0.5, 1]), k: new Uint8Array([1, 255]), s: 'a' },
      { n: 2.5, ok: false, f: new Float64Array([2, 3]), k: new Uint8Array([0, 7]), s: 'b' },
    ]);
    expect([b.n.dtype, b.n.arraySync()]).toEqual(['float32', [1, 2.5]]);
    expect([b.ok.dtype, b.ok.arraySync()]).toEqual(['bool', [true, false]]);
    expect([b.f.dtype, b.f.shape, b.f.arraySync()]).toEqual(['float32', [2, 2], [[0.5, 1], [2, 3]]]);
    expect([b.k.dtype, b.k.arraySync()]).toEqual(['int32', [[1, 255], [0, 7]]]);
    expect(b.s).toEqual(['a', 'b']);
    dispose(b);
  });

  it('recurses into tuples and nested objects, as PyTorch transposes a batch of tuples', () => {
    const samples: [Tensor, { label: number; extra: [number, string] }][] = [
      [tensor([1, 1]), { label: 0, extra: [10, 'x'] }],
      [tensor([2, 2]), { label: 1, extra: [20, 'y'] }],
    ];
    const [x, { label, extra }] = tidy(() => defaultCollate(samples));
    expect(x.arraySync()).toEqual([[1, 1], [2, 2]]);
    expect(label.arraySync()).toEqual([0, 1]);
    expect(extra[0].arraySync()).toEqual([10, 20]);
    expect(extra[1]).toEqual(['x', 'y']);
    dispose([x, label, extra[0], samples]);
  });

  it('names the sample and the path of what does not match', () => {
    const a = tensor([1, 2]);
    const b = tensor([1, 2, 3]);
    expect(() => defaultCollate([{ x: [a] }, { x: [b] }])).toThrow(
      'defaultCollate: sample 1 has shape [3] but sample 0 has shape [2] (at .x[0])',
    );
    expect(() => defaultCollate([[1, 2], [1]])).toThrow('defaultCollate: sample 1 has 1 entries but sample 0 has 2');
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }])).toThrow('defaultCollate: sample 1 has keys ["b"] but sample 0 has ["a"]');
    expect(() => defaultCollate([1, 'x'])).toThrow('defaultCollate: sample 1 is string "x" but sample 0 is number 1');
    expect(() => defaultCollate([{ d: new Date(0) }])).toThrow(
      'defaultCollate: sample 0 (at .d) is Date; supported are Tensor, number, boolean, string, typed arrays, arrays and plain objects',
    );
    expect(() => defaultCollate([new Float32Array(2), new Float32Array(3)])).toThrow('defaultCollate: sample 1 has length 3 but sample 0 has length 2');
    expect(() => defaultCollate([])).toThrow('defaultCollate: samples must be a non-empty array');
    const c = tensor([1, 2], { dtype: 'int32' });
    expect(() => defaultCollate([a, c])).toThrow('defaultCollate: sample 1 has dtype int32 but sample 0 has dtype float32');
    dispose([a, b, c]);
  });
});
