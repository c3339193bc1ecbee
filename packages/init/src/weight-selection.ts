/**
 * Weight selection (Xu et al., "Initializing Models with Larger Ones", ICLR 2024): a small model starts from a
 * subset of a larger pretrained model's weights instead of random ones.
 */
import { cast, checkOptions, fmtShape, indexSelect, tensor, Tensor, tidy } from '@nn/tensor';
import { describe } from './options.js';

/** How the elements are chosen along each dimension. */
export type SelectionMethod = 'uniform' | 'first';

export interface WeightSelectionOptions {
  /** `'uniform'` (default, the paper's choice): evenly spaced indices; `'first'`: the leading ones. */
  method?: SelectionMethod;
}

/** What weightSelection needs of the student: any @nn/layers Module. */
export interface WeightSelectionStudent {
  stateDict(opts?: { keepVars?: boolean }): Record<string, Tensor>;
}

/**
 * The teacher indices kept along one dimension of size `teacherSize` shrunk to `studentSize`:
 * - `'first'`: 0, 1, …, S − 1 (the paper's "consecutive selection");
 * - `'uniform'`: when S divides T, every (T/S)-th index 0, T/S, 2·T/S, …; otherwise round(i·(T − 1)/(S − 1)),
 *   evenly spaced from the first index to the last. The paper's reference code takes the first form, and for the
 *   second `round(linspace(0, T, S))`, whose last index T lies outside the tensor; we end at T − 1 instead.
 *
 * The indices depend only on (T, S, method), so a layer's output dim and the next layer's input dim, which have
 * the same sizes, keep the same neurons: the selection is consistent across layers, as the paper requires.
 */
export function selectionIndices(teacherSize: number, studentSize: number, method: SelectionMethod = 'uniform'): number[] {
  const op = 'selectionIndices';
  for (const [name, v] of [['teacherSize', teacherSize], ['studentSize', studentSize]] as const)
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${describe(v)}`);
  if (studentSize > teacherSize) throw new Error(`${op}: studentSize ${studentSize} is larger than teacherSize ${teacherSize}`);
  if (method !== 'uniform' && method !== 'first') throw new Error(`${op}: method must be 'uniform' or 'first', got ${describe(method)}`);
  const S = studentSize;
  const T = teacherSize;
  if (method === 'first' || S === T) return Array.from({ length: S }, (_, i) => i);
  if (T % S === 0) return Array.from({ length: S }, (_, i) => i * (T / S));
  return Array.from({ length: S }, (_, i) => Math.round((i * (T - 1)) / (S - 1)));
}

/**
 * Initialises `student` from a larger model's state dict: every parameter and persistent buffer of the student
 * (its `stateDict()` keys, e.g. `0.weight`, `1.running_mean`) gets the elements of the teacher's tensor under the
 * same key at `selectionIndices(T, S, method)` along each dimension — for a Linear weight [out, in], the selected
 * output neurons' rows restricted to the selected input columns. Dims of equal size are copied whole, so a
 * 784-512-512-10 teacher gives a 784-64-64-10 student every pixel and every class.
 *
 * Copies in place (`assign`, not recorded by autograd), keeping the student's tensors' identity, dtype and
 * device; returns `student`. Everything is checked before anything is copied: a missing key, a rank mismatch or
 * a student dim larger than the teacher's throws an error naming the key, and nothing changes.
 *
 * @example
 * const student = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
 * weightSelection(teacher.stateDict(), student); // teacher: Linear(784, 512), ReLU, Linear(512, 10)
 */
export function weightSelection<M extends WeightSelectionStudent>(
  teacherStateDict: Record<string, Tensor> | Map<string, Tensor>,
  student: M,
  options?: WeightSelectionOptions,
): M {
  const op = 'weightSelection';
  const method = checkOptions(op, options, ['method']).method ?? 'uniform';
  if (method !== 'uniform' && method !== 'first') throw new Error(`${op}: method must be 'uniform' or 'first', got ${describe(method)}`);
  if (!student || typeof student.stateDict !== 'function') throw new Error(`${op}: student must be a Module (with stateDict), got ${describe(student)}`);
  const teacher =
    teacherStateDict instanceof Map ? teacherStateDict
    : teacherStateDict && typeof teacherStateDict === 'object' ? new Map(Object.entries(teacherStateDict))
    : null;
  if (!teacher) throw new Error(`${op}: teacherStateDict must be an object (or a Map) of Tensors, got ${describe(teacherStateDict)}`);

  const plan: [Tensor, Tensor][] = [];
  for (const [key, target] of Object.entries(student.stateDict({ keepVars: true }))) {
    const src = teacher.get(key);
    if (src === undefined) throw new Error(`${op}: the teacher's state dict has no key '${key}' (the student's ${fmtShape(target.shape)} tensor)`);
    if (!(src instanceof Tensor)) throw new Error(`${op}: teacherStateDict['${key}'] must be a Tensor, got ${describe(src)}`);
    if (src.isDisposed) throw new Error(`${op}: teacherStateDict['${key}'] (shape ${fmtShape(src.shape)}) has been disposed`);
    if (src.rank !== target.rank)
      throw new Error(`${op}: '${key}' has rank ${src.rank} in the teacher ${fmtShape(src.shape)} but ${target.rank} in the student ${fmtShape(target.shape)}`);
    target.shape.forEach((s, d) => {
      if (s > src.shape[d]!)
        throw new Error(
          `${op}: '${key}' dim ${d} is ${s} in the student ${fmtShape(target.shape)} but only ${src.shape[d]} in the teacher ${fmtShape(src.shape)}; ` +
            `the student must be no larger than the teacher along every dim`,
        );
    });
    if (src.device !== target.device && src.device !== 'cpu')
      throw new Error(`${op}: teacherStateDict['${key}'] is on ${src.device} but the student's tensor is on ${target.device}; move it first`);
    plan.push([target, src]);
  }

  tidy(() => {
    for (const [target, src] of plan) {
      let v = src.detach();
      target.shape.forEach((s, d) => {
        if (s === v.shape[d]) return;
        const idx = tensor(Int32Array.from(selectionIndices(v.shape[d]!, s, method)), { dtype: 'int32', device: v.device });
        v = indexSelect(v, d, idx);
      });
      v = v.to(target.device);
      target.assign(v.dtype === target.dtype ? v : cast(v, target.dtype));
    }
  });
  return student;
}
