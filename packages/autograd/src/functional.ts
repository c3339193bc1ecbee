/**
 * JAX-style functional gradients: `grad(f)` is a function returning df/dx. They never touch `.grad`: the
 * arguments are differentiated through fresh views of them, and only the chosen arguments are collected.
 */
import { clone, fmtShape, onesLike, tidy, Tensor, zerosLike, describeValue as describe } from '@nn/tensor';
import { enableGrad, isGradEnabled, noGrad } from './mode.js';
import { reversePass } from './tape.js';

/** Which positional arguments to differentiate: one index (a single gradient) or a list (a list of gradients). */
export type Argnums = number | readonly number[];

export interface GradOptions {
  /** Default 0, as JAX. */
  argnums?: Argnums;
  /**
   * Record the gradient computation so the result can be differentiated again. Default: on when this call
   * runs inside another `grad`/`valueAndGrad` (so `grad(grad(f))` works), off otherwise.
   */
  createGraph?: boolean;
}

type GradOf<A extends Argnums> = A extends number ? Tensor : Tensor[];

/** How many grad/valueAndGrad calls are evaluating their function right now. */
let depth = 0;

/**
 * `grad(f)(...args)` is d f(...args) / d args[argnums] for a function `f` returning a one-element float32
 * tensor: one tensor (argnums a number, default 0) or a list (argnums a list), each shaped like its argument.
 * An argument `f` does not depend on gets zeros. `grad(f, 1)` is shorthand for `grad(f, {argnums: 1})`.
 */
export function grad<A extends Argnums = 0>(
  f: (...args: Tensor[]) => Tensor,
  opts?: A | (GradOptions & { argnums?: A }),
): (...args: Tensor[]) => GradOf<A> {
  const vg = makeValueAndGrad('grad', f, opts);
  return (...args) => {
    const [value, g] = vg(...args);
    // A detached value is ours to free; a recorded one (nested) may be saved by the gradient's graph.
    if (!value.requiresGrad) value.dispose();
    return g;
  };
}

/** Like `grad`, but returns `[f(...args), gradients]` from one evaluation of `f`. */
export function valueAndGrad<A extends Argnums = 0>(
  f: (...args: Tensor[]) => Tensor,
  opts?: A | (GradOptions & { argnums?: A }),
): (...args: Tensor[]) => [Tensor, GradOf<A>] {
  return makeValueAndGrad('valueAndGrad', f, opts);
}

function makeValueAndGrad<A extends Argnums>(
  name: string,
  f: (...args: Tensor[]) => Tensor,
  opts: A | (GradOptions & { argnums?: A }) | undefined,
): (...args: Tensor[]) => [Tensor, GradOf<A>] {
  if (typeof f !== 'function') throw new Error(`${name}: f must be a function, got ${describe(f)}`);
  const o: GradOptions = typeof opts === 'number' || Array.isArray(opts) ? { argnums: opts as Argnums } : ((opts ?? {}) as GradOptions);
  if (typeof o !== 'object') throw new Error(`${name}: options must be an argnums or an object, got ${describe(o)}`);
  const argnums = o.argnums ?? 0;
  const list = typeof argnums === 'number' ? [argnums] : argnums;
  if (!Array.isArray(list) || list.length === 0 || !list.every((i) => Number.isInteger(i) && i >= 0))
    throw new Error(`${name}: argnums must be a non-negative integer or a non-empty list of them, got ${JSON.stringify(argnums)}`);
  if (new Set(list).size !== list.length) throw new Error(`${name}: argnums ${JSON.stringify(argnums)} repeats an index`);
  if (o.createGraph !== undefined && typeof o.createGraph !== 'boolean')
    throw new Error(`${name}: createGraph must be a boolean, got ${describe(o.createGraph)}`);

  return (...args) => {
    for (const i of list) {
      if (i >= args.length) throw new Error(`${name}: argnums ${i} is out of range for ${args.length} argument(s)`);
      const x = args[i];
      if (!(x instanceof Tensor)) throw new Error(`${name}: argument ${i} must be a Tensor, got ${describe(x)}`);
      if (x.isDisposed) throw new Error(`${name}: argument ${i} (shape ${fmtShape(x.shape)}) has been disposed`);
      if (x.dtype !== 'float32') throw new Error(`${name}: argument ${i} must be float32 to be differentiated, got ${x.dtype}`);
    }
    const nested = o.createGraph ?? depth > 0;
    return tidy(() => {
      // Fresh tensors to differentiate against: detached views (or, when nested, recorded copies that keep
      // the outer graph connected), so the caller's tensors and their .grad are untouched.
      const inputs = args.slice();
      const targets = list.map((i) => {
        const x = args[i]!;
        const t = nested && x.requiresGrad && isGradEnabled() ? clone(x) : x.detach();
        t.requiresGrad = true;
        return (inputs[i] = t);
      });
      depth++;
      let y: Tensor;
      try {
        y = enableGrad(() => f(...inputs));
      } finally {
        depth--;
      }
      if (!(y instanceof Tensor)) throw new Error(`${name}: f must return a Tensor, got ${describe(y)}`);
      if (y.size !== 1 || y.dtype !== 'float32')
        throw new Error(`${name}: f must return a one-element float32 tensor, got ${y.dtype} of shape ${fmtShape(y.shape)}`);
      let found = new Map<Tensor, Tensor>();
      if (y.requiresGrad) {
        const seed = noGrad(() => onesLike(y));
        found = reversePass([y], [seed], { op: name, createGraph: nested, retainGraph: nested, targets });
      }
      // One tensor object per result, so disposing one gradient never frees another.
      const seen = new Set<Tensor>();
      const gs = targets.map((t) => {
        let g = found.get(t) ?? noGrad(() => zerosLike(t));
        if (seen.has(g)) g = nested ? clone(g) : g.detach();
        seen.add(g);
        return g;
      });
      const value = nested ? y : y.detach();
      return [value, (typeof argnums === 'number' ? gs[0]! : gs) as GradOf<A>];
    });
  };
}
