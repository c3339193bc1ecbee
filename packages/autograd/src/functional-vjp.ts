/**
 * `vjp(f, primals)`: JAX's reverse mode with the pullback as a value. One forward pass records the graph;
 * each call of the returned `vjpFn` is one reverse pass through it.
 */
import { tidy, Tensor, zerosLike, describeValue as describe } from '@nn/tensor';
import { checkFloatTensors, checkPaired, evaluate, type Outputs } from './functional-args.js';
import { inputsOf, isReleased, nodeOf, release } from './graph.js';
import { noGrad } from './mode.js';
import { reversePass } from './tape.js';

/**
 * The pullback of `f` at the primals: `vjpFn(cotangents)` is `[vᵀ·∂f/∂primals[0], vᵀ·∂f/∂primals[1], ...]`
 * for cotangents `v` shaped like f's outputs (one tensor if f returned one tensor, else an array). It can be
 * called any number of times; `dispose()` (or `using`) frees the recorded graph at once rather than when the
 * function is garbage-collected.
 */
export interface VjpFn<O extends Outputs> {
  (cotangents: O): Tensor[];
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * `[outputs, vjpFn] = vjp(f, primals)` evaluates `f(...primals)` (returning a float32 tensor or an array of
 * them) and returns its outputs (detached) with the function mapping cotangents of the outputs to gradients
 * with respect to each primal (JAX's `jax.vjp`; PyTorch's `torch.autograd.functional.vjp` evaluates one).
 * A primal the outputs do not depend on gets zeros. Never touches `.grad`.
 *
 * @example
 * const [y, pullback] = vjp((x) => x.square(), [tensor([1, 2, 3])]);
 * pullback(tensor([1, 1, 1]))[0]; // 2x = [2, 4, 6]
 */
export function vjp<O extends Outputs>(f: (...primals: Tensor[]) => O, primals: readonly Tensor[]): [O, VjpFn<O>] {
  if (typeof f !== 'function') throw new Error(`vjp: f must be a function, got ${describe(f)}`);
  checkFloatTensors('vjp', 'primals', primals);
  // Returning the recorded outputs from this tidy keeps the tensors their graph saved (see graph.ts).
  const { inputs, outputs, single } = tidy(() => evaluate('vjp', f, primals));
  const since = Math.min(...inputs.map((x) => x.id));
  let disposed = false;

  const pullback = (cotangents: O): Tensor[] => {
    if (disposed) throw new Error('vjp: vjpFn was called after dispose()');
    const cts: unknown = single && cotangents instanceof Tensor ? [cotangents] : cotangents;
    checkPaired('vjp', 'cotangents', cts, 'outputs', outputs);
    return tidy(() => {
      const live = outputs.flatMap((y, i) => (y.requiresGrad ? [i] : []));
      const found = live.length
        ? reversePass(live.map((i) => outputs[i]!), live.map((i) => cts[i]!), { op: 'vjp', createGraph: false, retainGraph: true, targets: inputs })
        : new Map<Tensor, Tensor>();
      // One tensor object per result, none of them the caller's cotangent (an identity f passes it through).
      const seen = new Set<Tensor>(cts);
      return inputs.map((x) => {
        let g = found.get(x) ?? noGrad(() => zerosLike(x));
        if (seen.has(g)) g = g.detach();
        seen.add(g);
        return g;
      });
    });
  };
  const free = (): void => {
    if (disposed) return;
    disposed = true;
    releaseSince(outputs, since);
    // f may return a tensor it closes over: only this call's tensors are ours to free.
    for (const t of new Set([...outputs, ...inputs])) if (t.id >= since) t.dispose();
  };
  const vjpFn = Object.assign(pullback, { dispose: free, [Symbol.dispose]: free }) as VjpFn<O>;
  const out = outputs.map((y) => y.detach());
  return [(single ? out[0]! : out) as unknown as O, vjpFn];
}

/** Releases the nodes behind `roots` recorded at or after tensor id `since` (this call's, not the caller's). */
function releaseSince(roots: readonly Tensor[], since: number): void {
  const seen = new Set<Tensor>();
  const stack = [...roots];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const node = nodeOf(t);
    if (!node || isReleased(node) || node.seq < since) continue;
    for (const x of inputsOf(node)) if (x.requiresGrad) stack.push(x);
    release(t);
  }
}
