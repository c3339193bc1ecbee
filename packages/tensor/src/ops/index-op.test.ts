import { describe, expect, it } from 'vitest';
import { arange, index, indexPut, tensor, tidy, memory, type Tensor } from '../index.js';

const i32 = (data: number[] | number[][], shape?: number[]) => tensor(data, { dtype: 'int32', shape });
const mask = (data: boolean[] | boolean[][]) => tensor(data, { dtype: 'bool' });
/** 0..n-1 as float32 in `shape`: an element's value is its flat position, so results read as positions. */
const grid = (...shape: number[]) => arange(0, shape.reduce((a, b) => a * b, 1)).reshape(shape);
const vals = (t: Tensor) => Array.from(t.dataSync());

describe('index', () => {
  const x = grid(3, 4);

  it('numbers select and drop the dim; negatives count from the end', () => {
    expect(x.index(1).shape).toEqual([4]);
    expect(vals(x.index(1))).toEqual([4, 5, 6, 7]);
    expect(x.index(-1, -2).shape).toEqual([]);
    expect(x.index(-1, -2).item()).toBe(10);
    expect(vals(x.index(null, 0))).toEqual([0, 4, 8]);
  });

  it('slices: Python rules for defaults, negatives, clamping, steps and empty ranges', () => {
    expect(vals(x.index([1]))).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(vals(x.index(null, [null, 2]))).toEqual([0, 1, 4, 5, 8, 9]);
    expect(vals(x.index(0, [-3, -1]))).toEqual([1, 2]);
    expect(vals(x.index(0, [-100, 100]))).toEqual([0, 1, 2, 3]);
    expect(vals(x.index(0, [null, null, 2]))).toEqual([0, 2]);
    expect(vals(x.index(0, [1, null, 2]))).toEqual([1, 3]);
    expect(vals(x.index([null, null, 2], [3, 0, 1]))).toEqual([]);
    expect(x.index([null, null, 2], [3, 0, 1]).shape).toEqual([2, 0]);
    expect(vals(x.index([2, 1]))).toEqual([]);
    expect(vals(x.index([1, null, 5], [0, 4, 3]))).toEqual([4, 7]);
  });

  it('ellipsis stands for the whole dims it skips, anywhere', () => {
    const y = grid(2, 3, 4);
    expect(y.index('...', 1).shape).toEqual([2, 3]);
    expect(vals(y.index('...', 1))).toEqual([1, 5, 9, 13, 17, 21]);
    expect(vals(y.index(1, '...', 2))).toEqual([14, 18, 22]);
    expect(y.index('...').shape).toEqual([2, 3, 4]);
    expect(y.index(0, 1, 2, '...').shape).toEqual([]);
  });

  it('no index (or only full ones) gives a new tensor with the same values', () => {
    const y = x.index();
    expect(y).not.toBe(x);
    expect(vals(y)).toEqual(vals(x));
    expect(vals(x.index(null, null))).toEqual(vals(x));
  });

  it('int32 tensors: integer-array indexing with repeats and negatives', () => {
    expect(vals(x.index(i32([2, 0, 2, -3])))).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3]);
    expect(x.index(null, i32([[3, -1], [0, 1]])).shape).toEqual([3, 2, 2]);
    expect(vals(x.index(1, i32([[3, -1], [0, 1]])))).toEqual([7, 7, 4, 5]);
    // A 0-d index tensor selects like a number.
    expect(vals(x.index(i32([1], []).reshape([])))).toEqual([4, 5, 6, 7]);
  });

  it('several index tensors broadcast together; adjacent ones stay in place, separated ones go first', () => {
    // x[[[0],[2]], [1,3,0]] → [2,3]
    const p = x.index(i32([[0], [2]]), i32([1, 3, 0]));
    expect(p.shape).toEqual([2, 3]);
    expect(vals(p)).toEqual([1, 3, 0, 9, 11, 8]);
    const y = grid(2, 3, 4, 5);
    expect(y.index(null, i32([0, 2]), i32([1, 3])).shape).toEqual([2, 2, 5]); // adjacent, in place
    expect(y.index(i32([0, 1]), null, i32([1, 3])).shape).toEqual([2, 3, 5]); // separated: in front
    expect(y.index(null, i32([0, 2]), null, i32([1, 3])).shape).toEqual([2, 2, 4]);
    // A number selects first, so it does not separate (PyTorch; NumPy differs).
    expect(y.index(null, 0, null, i32([1, 3])).shape).toEqual([2, 4, 2]);
    expect(vals(y.index(1, i32([0, 2]), null, i32([4, 0])))).toEqual([
      ...[64, 69, 74, 79], ...[100, 105, 110, 115],
    ]);
  });

  it('bool masks select the true positions in row-major order, over as many dims as they have', () => {
    expect(vals(x.index(mask([true, false, true])))).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(vals(x.index(mask([[true, false, false, true], [false, false, false, false], [false, true, false, false]])))).toEqual([0, 3, 9]);
    expect(vals(x.index(null, mask([false, true, true, false])))).toEqual([1, 2, 5, 6, 9, 10]);
    expect(x.index(mask([false, false, false])).shape).toEqual([0, 4]);
    // Mask and int index together: x[m, [1, 2]] pairs the mask's positions with the index.
    expect(vals(x.index(mask([true, false, true]), i32([1, 2])))).toEqual([1, 10]);
  });

  it('every kind at once', () => {
    const y = grid(3, 4, 5, 6);
    const r = y.index([-2], i32([[1, 0, 3]]), mask([true, false, true, true, false]), 1);
    expect(r.shape).toEqual([2, 1, 3]);
    expect(vals(r)).toEqual([151, 133, 229, 271, 253, 349]); // PyTorch 1.13
  });

  it('function form, and no leaks', () => {
    const before = memory().numTensors;
    const out = tidy(() => index(x, i32([0, 2]), mask([true, false, true, false])));
    expect(vals(out)).toEqual([0, 10]);
    expect(memory().numTensors - before).toBe(1);
  });

  it('rejects bad indices, naming the index and the shapes', () => {
    expect(() => x.index(3)).toThrow('index: index 3 is out of bounds for dim 0 with size 3 (shape [3,4])');
    expect(() => x.index(null, -5)).toThrow('index: index -5 is out of bounds for dim 1 with size 4');
    expect(() => x.index(0, 0, 0)).toThrow('index: too many indices for a tensor of dimension 2 (shape [3,4]): the indices cover 3 dims');
    expect(() => x.index(mask([[true, false]]), 0)).toThrow('index: too many indices');
    expect(() => x.index('...', 0, '...')).toThrow("index: an index can only have a single ellipsis ('...'), got 2");
    expect(() => x.index(i32([0, 3]))).toThrow('index: index 3 is out of bounds for dim 0 with size 3 (shape [3,4])');
    expect(() => x.index(null, i32([-5]))).toThrow('index: index -5 is out of bounds for dim 1 with size 4');
    expect(() => x.index(tensor([0, 1]))).toThrow('index: index 0: tensors used as indices must be int32 or bool, got float32');
    expect(() => x.index(null, mask([true, false]))).toThrow(
      'index: the shape of the mask [2] at index 1 does not match the shape [4] of dims 1..1 of the indexed tensor [3,4]',
    );
    expect(() => x.index(i32([0, 1]), i32([0, 1, 2]))).toThrow('index: shapes [2] and [3] cannot be broadcast together');
    expect(() => x.index([0, 2, 0])).toThrow('index: index 0: slice step must be greater than zero, got 0');
    expect(() => x.index([0, 2, -1])).toThrow('slice step must be greater than zero, got -1');
    expect(() => x.index(0.5)).toThrow('index: index 0 must be an integer, got 0.5');
    expect(() => x.index('a' as unknown as null)).toThrow("index: index 0 must be a number, null, a [start, end, step] slice, '...', or an int32 or bool tensor");
    expect(() => x.index([0, 1.5])).toThrow('index: index 0: slice end must be an integer or null, got number 1.5');
  });
});

describe('indexPut', () => {
  it('replaces the indexed elements, out of place', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const y = indexPut(x, [i32([2, 0])], tensor([[10, 20], [30, 40]]));
    expect(vals(y)).toEqual([30, 40, 3, 4, 10, 20]);
    expect(vals(x)).toEqual([1, 2, 3, 4, 5, 6]);
    // values broadcast to the indexed shape; a number works too
    expect(vals(x.indexPut([null, 1], 0))).toEqual([1, 0, 3, 0, 5, 0]);
    expect(vals(x.indexPut([mask([[true, false], [false, true], [true, true]])], tensor([7, 8, 9, 10])))).toEqual([7, 2, 3, 8, 9, 10]);
    expect(vals(x.indexPut([[1], -1], tensor([0])))).toEqual([1, 2, 3, 0, 5, 0]);
  });

  it('accumulate adds, repeated positions add up', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(vals(indexPut(x, [i32([0, 0, 3])], tensor([5, 6, 7]), { accumulate: true }))).toEqual([12, 2, 3, 11]);
    const n = tensor([1, 2, 3], { dtype: 'int32' });
    const out = indexPut(n, [i32([1])], tensor([5], { dtype: 'int32' }));
    expect(out.dtype).toBe('int32');
    expect(vals(out)).toEqual([1, 5, 3]);
    const b = indexPut(tensor([true, false, true]), [i32([0, 1])], false);
    expect(b.dtype).toBe('bool');
    expect(vals(b)).toEqual([0, 0, 1]);
  });

  it('rejects bad values and indices', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => indexPut(x, [i32([0, 1])], tensor([1, 2, 3]))).toThrow(
      'indexPut: shapes [2,2] and [3] cannot be broadcast together',
    );
    expect(() => indexPut(x, [i32([0, 1]), 0], tensor([[1, 2]]))).toThrow(
      'indexPut: shape mismatch: values of shape [1,2] cannot be broadcast to the indexing result of shape [2]',
    );
    expect(() => indexPut(x, [i32([2])], 0)).toThrow('indexPut: index 2 is out of bounds for dim 0 with size 2');
    expect(() => indexPut(x, [0], tensor([1, 2], { dtype: 'int32' }))).toThrow("indexPut: values must have x's dtype float32, got int32");
    expect(() => indexPut(x, [0], 1, { accumulate: 1 as unknown as boolean })).toThrow('indexPut: accumulate must be a boolean, got number 1');
    expect(() => indexPut(x, 0 as unknown as [], 1)).toThrow('indexPut: indices must be an array of indices, got number 0');
  });
});
