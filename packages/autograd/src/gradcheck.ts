/**
 * Checks gradient rules against central finite differences. For f with output y and a fixed random weight w
 * (w = 1 for one-element outputs), it compares the analytic gradient of s = Σ w·y (one reverse pass: the
 * vector–Jacobian product wᵀJ) with the numeric one, element by element of every float32 input:
 *   ∂s/∂xⱼ ≈ (s(x + ε·eⱼ) − s(x − ε·eⱼ)) / (2ε).
 * The forward runs in float32, so s is summed in float64 from y's values and the step is the one actually
 * representable (fround(x+ε) − fround(x−ε)). Float32 limits what a difference can resolve to about
 * ulp(y)/ε ≈ 1e-4·|y| at ε = 1e-3: the default tolerances sit above that noise and far below the O(1) errors
 * of a wrong rule (a lost term, sign or factor).
 */
import { Generator, fmtShape, mul, randn, sum, tensor, tidy, Tensor, describeValue as describe } from '@nn/tensor';
import { valueAndGrad } from './functional.js';
import { noGrad } from './mode.js';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance, against |numeric|. */
  rtol?: number;
  /** Seed of the output weights w. */
  seed?: number;
}

/**
 * Returns true when the analytic gradient of `f` at `inputs` matches central differences within
 * |analytic − numeric| ≤ atol + rtol·|numeric| for every element of every float32 input (int32/bool inputs are
 * passed through as constants); otherwise throws an Error naming the worst element and how many mismatch.
 * Synchronous: the inputs must be on the CPU.
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  if (typeof f !== 'function') throw new Error(`gradcheck: f must be a function, got ${describe(f)}`);
  if (!Array.isArray(inputs)) throw new Error(`gradcheck: inputs must be an array of Tensors, got ${describe(inputs)}`);
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new Error(`gradcheck: inputs[${i}] must be a Tensor, got ${describe(x)}`);
    if (x.isDisposed) throw new Error(`gradcheck: inputs[${i}] (shape ${fmtShape(x.shape)}) has been disposed`);
    if (x.device !== 'cpu')
      throw new Error(`gradcheck: inputs[${i}] is on ${x.device}; gradcheck reads values synchronously, move it with .to('cpu')`);
  });
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2, seed = 0 } = opts;
  for (const [k, v] of Object.entries({ eps, atol, rtol }))
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k === 'eps' && v === 0))
      throw new Error(`gradcheck: ${k} must be a ${k === 'eps' ? 'positive' : 'non-negative'} finite number, got ${String(v)}`);
  const argnums = inputs.flatMap((x, i) => (x.dtype === 'float32' ? [i] : []));
  if (argnums.length === 0) throw new Error('gradcheck: no float32 input to differentiate');

  return tidy(() => {
    const y0 = noGrad(() => f(...inputs));
    if (!(y0 instanceof Tensor) || y0.dtype !== 'float32')
      throw new Error(`gradcheck: f must return a float32 Tensor, got ${y0 instanceof Tensor ? y0.dtype : describe(y0)}`);
    const w = y0.size === 1 ? new Float32Array([1]) : randn(y0.shape, { generator: new Generator(seed) }).dataSync();
    const wt = tensor(w.slice(), { shape: y0.shape });
    const project = (y: Tensor): number => {
      const v = y.dataSync();
      let s = 0;
      for (let i = 0; i < v.length; i++) s += w[i]! * v[i]!;
      return s;
    };

    const [, analytic] = valueAndGrad((...xs) => sum(mul(f(...xs), wt)), { argnums })(...inputs);
    let worst: { k: number; j: number; a: number; n: number; excess: number } | undefined;
    let bad = 0;
    let total = 0;
    argnums.forEach((k, ai) => {
      const a = analytic[ai]!.dataSync();
      const base = inputs[k]!.dataSync();
      const shape = inputs[k]!.shape;
      const at = (values: Float32Array): number =>
        noGrad(() =>
          tidy(() => {
            const args = inputs.slice();
            args[k] = tensor(values.slice(), { shape });
            return project(f(...args));
          }),
        );
      const values = Float32Array.from(base);
      for (let j = 0; j < values.length; j++) {
        const x = base[j]!;
        const hi = Math.fround(x + eps);
        const lo = Math.fround(x - eps);
        values[j] = hi;
        const sHi = at(values);
        values[j] = lo;
        const sLo = at(values);
        values[j] = x;
        const n = (sHi - sLo) / (hi - lo);
        const diff = Math.abs(a[j]! - n);
        const tol = atol + rtol * Math.abs(n);
        const excess = Number.isNaN(n) && Number.isNaN(a[j]!) ? 0 : Number.isNaN(diff) ? Infinity : diff / tol;
        total++;
        if (excess > 1) {
          bad++;
          if (!worst || excess > worst.excess) worst = { k, j, a: a[j]!, n, excess };
        }
      }
    });
    if (worst) {
      const shape = inputs[worst.k]!.shape;
      throw new Error(
        `gradcheck: gradient mismatch for input ${worst.k} (shape ${fmtShape(shape)}) at index ${fmtShape(unravel(worst.j, shape))}: ` +
          `analytic ${worst.a}, numeric ${worst.n}, |diff| ${Math.abs(worst.a - worst.n)} > atol ${atol} + rtol ${rtol}·|numeric|; ` +
          `${bad} of ${total} elements mismatch (eps ${eps})`,
      );
    }
    return true as const;
  });
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}
