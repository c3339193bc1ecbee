/**
 * Second order from the reverse-mode rules: the gradient is computed with its graph recorded (createGraph), and
 * that graph is differentiated again. `hvp` is one such pass seeded with v; `hessian` one per element of x.
 */
import { eye, narrow, onesLike, stack, tidy, Tensor, zeros, zerosLike, describeValue as describe } from '@nn/tensor';
import { checkFloatTensors, checkPaired, evaluate, scalarOutput } from './functional-args.js';
import { noGrad } from './mode.js';
import { reversePass } from './tape.js';

/**
 * `[f(x), H·v] = hvp(f, x, v)`: the product of the Hessian of a scalar `f` at `x` with a vector `v` shaped like
 * `x`, without forming H (PyTorch's `torch.autograd.functional.hvp`). Computed as ∇ₓ⟨∇f(x), v⟩, i.e. vᵀH,
 * which is H·v since the Hessian of a twice continuously differentiable f is symmetric. Costs about two
 * gradient evaluations, whatever the size of x. Results are detached; never touches `.grad`.
 *
 * @example
 * // f(x) = Σ x³: H = diag(6x), so H·v = 6x·v
 * const [fx, hv] = hvp((x) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 1])); // fx = 9, hv = [6, 12]
 */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): [Tensor, Tensor] {
  if (typeof f !== 'function') throw new Error(`hvp: f must be a function, got ${describe(f)}`);
  checkFloatTensors('hvp', 'x', [x], false);
  checkPaired('hvp', 'v', [v], 'x', [x], false);
  return tidy(() => {
    const [fx, input, gx] = gradientGraph('hvp', f, x);
    const hv = gx ? reversePass([gx], [v], { op: 'hvp', createGraph: false, retainGraph: false, targets: [input] }).get(input) : undefined;
    // A rule may pass v through as is (f = ⟨x, x⟩/2 has H = I): return our own handle, not the caller's.
    return [fx, hv === undefined ? noGrad(() => zerosLike(x)) : hv === v ? hv.detach() : hv];
  });
}

/**
 * `hessian(f, x)`: the full Hessian of a scalar `f` at `x`, shaped `[...x.shape, ...x.shape]`, with
 * `H[i][j] = ∂²f / ∂xᵢ∂xⱼ` (PyTorch's `torch.autograd.functional.hessian`). Row i is the gradient of the i-th
 * element of ∇f, so it costs one reverse pass per element of x: meant for small problems (Newton's method on
 * a few parameters, checking curvature); use `hvp` for large ones. Detached; never touches `.grad`.
 */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  if (typeof f !== 'function') throw new Error(`hessian: f must be a function, got ${describe(f)}`);
  checkFloatTensors('hessian', 'x', [x], false);
  const shape = [...x.shape, ...x.shape];
  return tidy(() => {
    const [, input, gx] = gradientGraph('hessian', f, x);
    if (!gx) return zeros(shape, { device: x.device });
    const n = x.size;
    const basis = eye(n, { device: x.device });
    const rows: Tensor[] = [];
    for (let i = 0; i < n; i++) {
      rows.push(
        tidy(() => {
          const seed = narrow(basis, 0, i, 1).reshape(x.shape);
          const row = reversePass([gx], [seed], { op: 'hessian', createGraph: false, retainGraph: true, targets: [input] }).get(input);
          return row === undefined ? zeros([n], { device: x.device }) : row.reshape([n]);
        }),
      );
    }
    return stack(rows).reshape(shape);
  });
}

/**
 * Evaluates scalar `f` on a recorded copy of x and its gradient with the gradient's own graph recorded:
 * `[f(x) detached, the copy, ∇f]`, where ∇f is undefined when it does not depend on x (f at most linear).
 */
function gradientGraph(op: string, f: (x: Tensor) => Tensor, x: Tensor): [Tensor, Tensor, Tensor | undefined] {
  const e = evaluate(op, f, [x]);
  const y = scalarOutput(op, e);
  const input = e.inputs[0]!;
  const gx = y.requiresGrad
    ? reversePass([y], [noGrad(() => onesLike(y))], { op, createGraph: true, retainGraph: true, targets: [input] }).get(input)
    : undefined;
  return [y.detach(), input, gx?.requiresGrad ? gx : undefined];
}
