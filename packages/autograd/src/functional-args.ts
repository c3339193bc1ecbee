/**
 * What vjp/jvp/hvp/hessian share: checking lists of tensors against the primals, and evaluating `f` on fresh
 * recorded copies of the primals (so the caller's tensors, their graphs and their `.grad` are untouched).
 */
import { fmtShape, shapesEqual, Tensor, describeValue as describe } from '@nn/tensor';
import { enableGrad } from './mode.js';

/** A function of tensors returning one tensor or a list of them, as vjp and jvp accept. */
export type Outputs = Tensor | readonly Tensor[];

/** How element i of a list reads in errors: `primals[1]`, or just `x` for the one-tensor functions (hvp, hessian). */
const at = (what: string, i: number, indexed: boolean): string => (indexed ? `${what}[${i}]` : what);

/** Checks that `xs` is a non-empty array of live float32 tensors; `what` names it in errors (`primals`). */
export function checkFloatTensors(op: string, what: string, xs: unknown, indexed = true): asserts xs is readonly Tensor[] {
  if (!Array.isArray(xs)) throw new Error(`${op}: ${what} must be an array of tensors, got ${describe(xs)}`);
  if (xs.length === 0) throw new Error(`${op}: ${what} must hold at least one tensor, got an empty array`);
  xs.forEach((x: unknown, i) => {
    const name = at(what, i, indexed);
    if (!(x instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
    if (x.isDisposed) throw new Error(`${op}: ${name} (shape ${fmtShape(x.shape)}) has been disposed`);
    if (x.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32 to be differentiated, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  });
}

/**
 * Checks that `xs` (tangents, cotangents) pairs one to one with `like` (primals, outputs): same count, and each
 * a float32 tensor of the same shape on the same device.
 */
export function checkPaired(
  op: string,
  what: string,
  xs: unknown,
  likeWhat: string,
  like: readonly Tensor[],
  indexed = true,
): asserts xs is readonly Tensor[] {
  checkFloatTensors(op, what, xs, indexed);
  if (xs.length !== like.length) throw new Error(`${op}: got ${like.length} ${likeWhat} but ${xs.length} ${what}`);
  xs.forEach((x, i) => {
    const p = like[i]!;
    const [name, likeName] = [at(what, i, indexed), at(likeWhat, i, indexed)];
    if (!shapesEqual(x.shape, p.shape)) throw new Error(`${op}: ${name} has shape ${fmtShape(x.shape)} but ${likeName} has shape ${fmtShape(p.shape)}`);
    if (x.device !== p.device) throw new Error(`${op}: ${name} is on ${x.device} but ${likeName} is on ${p.device}`);
  });
}

export interface Evaluation {
  /** The recorded copies of the primals that `f` was called with: the tensors to differentiate against. */
  inputs: Tensor[];
  /** f's outputs, recorded, as a list. */
  outputs: Tensor[];
  /** Whether f returned one tensor (rather than a list). */
  single: boolean;
}

/** Calls `f(...inputs)` with recording on, where each input is a detached copy of a primal that requires grad. */
export function evaluate(op: string, f: (...xs: Tensor[]) => Outputs, primals: readonly Tensor[]): Evaluation {
  const inputs = primals.map((p) => {
    const x = p.detach();
    x.requiresGrad = true;
    return x;
  });
  const y: unknown = enableGrad(() => f(...inputs));
  const single = y instanceof Tensor;
  const outputs = single ? [y] : y;
  if (!Array.isArray(outputs) || outputs.length === 0)
    throw new Error(`${op}: f must return a Tensor or a non-empty array of tensors, got ${describe(y)}`);
  outputs.forEach((t: unknown, i) => {
    const which = single ? 'its output' : `output ${i}`;
    if (!(t instanceof Tensor)) throw new Error(`${op}: f must return tensors, ${which} is ${describe(t)}`);
    if (t.dtype !== 'float32') throw new Error(`${op}: f must return float32 tensors, ${which} is ${t.dtype} of shape ${fmtShape(t.shape)}`);
  });
  return { inputs, outputs: outputs as Tensor[], single };
}

/** A scalar function's value: checks that `f` returned a one-element float32 tensor. */
export function scalarOutput(op: string, e: Evaluation): Tensor {
  const y = e.outputs[0]!;
  if (!e.single || y.size !== 1)
    throw new Error(
      `${op}: f must return a one-element (scalar) tensor, got ${e.single ? `shape ${fmtShape(y.shape)}` : `an array of ${e.outputs.length} tensors`}`,
    );
  return y;
}
