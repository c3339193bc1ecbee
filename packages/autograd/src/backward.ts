/** `backward(loss)`: accumulates dloss/dleaf into the `.grad` of every leaf that requires gradients. */
import { type BackwardOptions, add, clone, fmtShape, keep, onesLike, shapesEqual, tidy, Tensor, describeValue as describe } from '@nn/tensor';
import { noGrad } from './mode.js';
import { reversePass } from './tape.js';

/**
 * `retainGraph`: keep the graph's saved tensors so another backward can run through it (PyTorch's retain_graph;
 * default: createGraph). `createGraph`: record the gradient computation itself, so `.grad` can be
 * differentiated again (higher-order gradients).
 */
export type { BackwardOptions };

/**
 * Computes d(loss)/d(leaf) for every leaf (tensor with `requiresGrad` made by the user, not by an op) in the
 * graph of `loss`, and adds it to `leaf.grad` (created on first use; kept out of every `tidy`; accumulates
 * across calls until you set `leaf.grad = null` or use `zeroGrad`). `gradOutput` is dL/dloss: required for a
 * non-scalar loss, ones by default. Frees the graph's saved tensors afterwards unless `retainGraph`.
 * `backward(loss, {retainGraph})` is accepted too.
 */
export function backward(loss: Tensor, gradOutput?: Tensor | BackwardOptions | null, opts: BackwardOptions = {}): void {
  if (gradOutput !== undefined && gradOutput !== null && !(gradOutput instanceof Tensor)) {
    opts = gradOutput;
    gradOutput = undefined;
  }
  if (!(loss instanceof Tensor)) throw new Error(`backward: loss must be a Tensor, got ${describe(loss)}`);
  if (typeof opts !== 'object' || opts === null) throw new Error(`backward: options must be an object, got ${describe(opts)}`);
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  if (typeof createGraph !== 'boolean') throw new Error(`backward: createGraph must be a boolean, got ${describe(createGraph)}`);
  if (typeof retainGraph !== 'boolean') throw new Error(`backward: retainGraph must be a boolean, got ${describe(retainGraph)}`);
  if (!loss.requiresGrad)
    throw new Error(
      `backward: loss (shape ${fmtShape(loss.shape)}) does not require grad: no tensor it was computed from ` +
        'has requiresGrad, or it was computed under noGrad',
    );
  const seed = gradOutput ?? undefined;
  if (seed === undefined) {
    if (loss.size !== 1)
      throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape ${fmtShape(loss.shape)}`);
  } else {
    if (seed.isDisposed) throw new Error(`backward: gradOutput (shape ${fmtShape(seed.shape)}) has been disposed`);
    if (!shapesEqual(seed.shape, loss.shape))
      throw new Error(`backward: gradOutput shape ${fmtShape(seed.shape)} does not match loss shape ${fmtShape(loss.shape)}`);
    if (seed.dtype !== loss.dtype) throw new Error(`backward: gradOutput must be ${loss.dtype}, got ${seed.dtype}`);
    if (seed.device !== loss.device) throw new Error(`backward: gradOutput is on ${seed.device}, loss on ${loss.device}`);
  }

  tidy(() => {
    const grads = reversePass([loss], [seed ?? noGrad(() => onesLike(loss))], { op: 'backward', createGraph, retainGraph });
    const updated: Tensor[] = [];
    const taken = new Set<Tensor>();
    for (const [leaf, g] of grads) {
      if (leaf.isDisposed) continue;
      // Each leaf owns its .grad object: copy (or alias the storage of) one that is shared or the caller's.
      let own = g;
      if (taken.has(g) || g === seed) own = createGraph ? clone(g) : g.detach();
      taken.add(g);
      const prev = leaf.grad;
      if (prev && !prev.isDisposed && prev.dtype === own.dtype) {
        if (createGraph) leaf.grad = keep(add(prev, own));
        else prev.assign(noGrad(() => add(prev, own)));
      } else leaf.grad = keep(own);
      updated.push(leaf.grad!);
    }
    // Returned so that, with createGraph, the graph of the new gradients survives this tidy.
    return updated;
  });
}

/** Sets `.grad` of each tensor to null, disposing the old gradient. */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new Error(`zeroGrad: tensors must hold Tensors, got ${describe(t)}`);
    t.grad?.dispose();
    t.grad = null;
  }
}

/**
 * `loss.backward(gradOutput?, opts?)`. The method's type lives with Tensor's other method declarations in
 * @nn/tensor (TypeScript cannot augment a class through a module that re-exports it).
 */
(Tensor.prototype as unknown as Record<string, unknown>).backward = function (
  this: Tensor,
  gradOutput?: Tensor | BackwardOptions | null,
  opts?: BackwardOptions,
): void {
  backward(this, gradOutput, opts);
};
