import { add, matmul, memory, randn, relu, tensor, transpose, Generator, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { selectionIndices, weightSelection, type SelectionMethod } from './index.js';

/** A stand-in for a Module: weightSelection only reads `stateDict({keepVars: true})`. */
const model = (sd: Record<string, Tensor>) => ({ stateDict: () => sd });
const arange = (shape: number[]) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i), { shape });

/** x → relu(x W1ᵀ + b1) W2ᵀ + b2, the two Linear layers of an MLP with PyTorch's [out, in] weights. */
function mlp(p: Record<string, Tensor>, x: Tensor): Tensor {
  const h = relu(add(matmul(x, transpose(p['0.weight']!, 0, 1)), p['0.bias']!));
  return add(matmul(h, transpose(p['2.weight']!, 0, 1)), p['2.bias']!);
}

describe('selectionIndices', () => {
  it('uniform: every (T/S)-th index when S divides T, else round(i·(T−1)/(S−1)); first: 0..S−1', () => {
    expect(selectionIndices(512, 64)).toEqual(Array.from({ length: 64 }, (_, i) => 8 * i));
    expect(selectionIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(selectionIndices(7, 3)).toEqual([0, 3, 6]);
    expect(selectionIndices(5, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(selectionIndices(6, 1)).toEqual([0]);
    expect(selectionIndices(6, 0)).toEqual([]);
    expect(selectionIndices(10, 4, 'first')).toEqual([0, 1, 2, 3]);
  });

  it('rejects a student larger than the teacher and unknown methods', () => {
    expect(() => selectionIndices(3, 4)).toThrow('selectionIndices: studentSize 4 is larger than teacherSize 3');
    expect(() => selectionIndices(3, 2, 'random' as SelectionMethod)).toThrow("method must be 'uniform' or 'first', got 'random'");
    expect(() => selectionIndices(3.5, 2)).toThrow('teacherSize must be a non-negative integer, got 3.5');
  });
});

describe('weightSelection', () => {
  it('selects along every dim in place, keeping the student tensors and copying equal dims whole', () => {
    const w = tensor(new Float32Array(6), { shape: [2, 3] });
    const b = tensor(new Float32Array(2));
    const student = model({ weight: w, bias: b });
    expect(weightSelection({ weight: arange([4, 6]), bias: arange([4]) }, student)).toBe(student);
    // Rows 0 and 2 of the teacher, columns 0, 2, 4.
    expect(w.arraySync()).toEqual([[0, 2, 4], [12, 14, 16]]);
    expect(Array.from(b.dataSync())).toEqual([0, 2]);
    weightSelection({ weight: arange([4, 6]), bias: arange([4]) }, student, { method: 'first' });
    expect(w.arraySync()).toEqual([[0, 1, 2], [6, 7, 8]]);
    const full = tensor(new Float32Array(4), { shape: [4] });
    weightSelection({ v: arange([4]) }, model({ v: full }));
    expect(Array.from(full.dataSync())).toEqual([0, 1, 2, 3]);
  });

  it('copies scalars and casts to the student dtype (num_batches_tracked)', () => {
    const n = tensor(0, { dtype: 'int32' });
    weightSelection({ num_batches_tracked: tensor(7) }, model({ num_batches_tracked: n }));
    expect(n.dtype).toBe('int32');
    expect(n.item()).toBe(7);
  });

  for (const [method, teacherHidden] of [['uniform', 32], ['uniform', 30], ['first', 30]] as const) {
    it(`${method}: the student of a ${teacherHidden}-wide MLP computes the teacher's function when only the selected neurons matter`, () => {
      const g = new Generator(3);
      const h = 8;
      const keep = new Set(selectionIndices(teacherHidden, h, method));
      // The teacher's hidden units outside the selection feed nothing to the output (zero columns of W2), so
      // the teacher equals its selected sub-network — and so must the student, if each layer's output neurons
      // and the next layer's input columns were selected with the same indices.
      const mask = tensor(Float32Array.from({ length: teacherHidden }, (_, j) => (keep.has(j) ? 1 : 0)));
      const teacher = {
        '0.weight': randn([teacherHidden, 5], { generator: g }),
        '0.bias': randn([teacherHidden], { generator: g }),
        '2.weight': randn([3, teacherHidden], { generator: g }).mul(mask),
        '2.bias': randn([3], { generator: g }),
      };
      const student = {
        '0.weight': tensor(new Float32Array(h * 5), { shape: [h, 5] }),
        '0.bias': tensor(new Float32Array(h)),
        '2.weight': tensor(new Float32Array(3 * h), { shape: [3, h] }),
        '2.bias': tensor(new Float32Array(3)),
      };
      weightSelection(teacher, model(student), { method });
      const x = randn([16, 5], { generator: g });
      const want = mlp(teacher, x).dataSync();
      const got = mlp(student, x).dataSync();
      // Picking an unselected hidden unit anywhere would bring in a zero column or a mismatched row.
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
    });
  }

  it('errors name the key, the dim and the sizes, and nothing is copied', () => {
    const w = tensor(new Float32Array(6), { shape: [2, 3] });
    const before = memory().numTensors;
    expect(() => weightSelection({ weight: arange([4, 6]) }, model({ weight: w, bias: tensor([0]) }))).toThrow(
      "weightSelection: the teacher's state dict has no key 'bias' (the student's [1] tensor)",
    );
    expect(w.arraySync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(() => weightSelection({ weight: arange([6]) }, model({ weight: w }))).toThrow("weightSelection: 'weight' has rank 1 in the teacher [6] but 2 in the student [2,3]");
    expect(() => weightSelection({ weight: arange([4, 2]) }, model({ weight: w }))).toThrow(
      "weightSelection: 'weight' dim 1 is 3 in the student [2,3] but only 2 in the teacher [4,2]",
    );
    expect(() => weightSelection({ weight: arange([4, 6]) }, model({ weight: w }), { method: 'random' as SelectionMethod })).toThrow(
      "weightSelection: method must be 'uniform' or 'first', got 'random'",
    );
    expect(() => weightSelection({ weight: 1 as unknown as Tensor }, model({ weight: w }))).toThrow("teacherStateDict['weight'] must be a Tensor, got 1");
    expect(memory().numTensors).toBe(before + 5); // the tensors built above, none left by weightSelection
  });
});
