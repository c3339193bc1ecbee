/**
 * `jvp(f, primals, tangents)`: forward mode (a Jacobian–vector product) built from the reverse-mode rules by the
 * double-vjp trick. The vjp `g(u) = uᵀJ` is linear in the cotangent `u`, so recording it (createGraph) and
 * differentiating `⟨g(u), t⟩` with respect to `u` gives `J·t`. Cost: one forward and two reverse passes, where
 * a true forward mode needs one forward pass carrying tangents; the result is the same.
 */
import { tidy, Tensor, zerosLike, describeValue as describe } from '@nn/tensor';
import { checkFloatTensors, checkPaired, evaluate, type Outputs } from './functional-args.js';
import { noGrad } from './mode.js';
import { reversePass } from './tape.js';

/**
 * `[outputs, tangentsOut] = jvp(f, primals, tangents)` evaluates `f(...primals)` (returning a float32 tensor or
 * an array of them) and the directional derivative `Σᵢ ∂f/∂primals[i] · tangents[i]`, shaped like the outputs
 * (JAX's `jax.jvp`; PyTorch's `torch.autograd.functional.jvp`). `tangents` pairs one to one with `primals`
 * (same count, shapes, devices). Results are detached; never touches `.grad`.
 *
 * @example
 * const [y, dy] = jvp((x) => x.square(), [tensor([1, 2, 3])], [tensor([1, 0, 1])]);
 * // y = [1, 4, 9], dy = 2x·t = [2, 0, 6]
 */
export function jvp<O extends Outputs>(f: (...primals: Tensor[]) => O, primals: readonly Tensor[], tangents: readonly Tensor[]): [O, O] {
  if (typeof f !== 'function') throw new Error(`jvp: f must be a function, got ${describe(f)}`);
  checkFloatTensors('jvp', 'primals', primals);
  checkPaired('jvp', 'tangents', tangents, 'primals', primals);
  const [ys, dys, single] = tidy(() => {
    const { inputs, outputs, single } = evaluate('jvp', f, primals);
    // u: a dummy cotangent per output; its value (zero) never matters, since g(u) is linear in it.
    const us = outputs.map((y) => {
      const u = noGrad(() => zerosLike(y));
      u.requiresGrad = true;
      return u;
    });
    const live = outputs.flatMap((y, i) => (y.requiresGrad ? [i] : []));
    const g = live.length
      ? reversePass(live.map((i) => outputs[i]!), live.map((i) => us[i]!), { op: 'jvp', createGraph: true, retainGraph: true, targets: inputs })
      : new Map<Tensor, Tensor>();
    // Roots: each primal's g(u) that depends on u; seeds: its tangent.
    const roots: Tensor[] = [];
    const seeds: Tensor[] = [];
    inputs.forEach((x, i) => {
      const gx = g.get(x);
      if (gx?.requiresGrad) {
        roots.push(gx);
        seeds.push(tangents[i]!);
      }
    });
    const jt = roots.length ? reversePass(roots, seeds, { op: 'jvp', createGraph: false, retainGraph: false, targets: us }) : new Map<Tensor, Tensor>();
    const seen = new Set<Tensor>(tangents);
    const dys = us.map((u, k) => {
      let d = jt.get(u) ?? noGrad(() => zerosLike(outputs[k]!));
      // A tangent passed straight through (f = identity) is the caller's tensor: return our own handle.
      if (seen.has(d)) d = d.detach();
      seen.add(d);
      return d;
    });
    return [outputs.map((y) => y.detach()), dys, single] as const;
  });
  return (single ? [ys[0], dys[0]] : [ys, dys]) as unknown as [O, O];
}
