/**
 * The reverse pass: topological order of the recorded nodes from the roots (iterative DFS), then each node's
 * rule in reverse order, summing gradients where a tensor fans out. Shared by `backward` (accumulates into
 * leaves' `.grad`) and the functional `grad`/`valueAndGrad` (returns gradients for chosen tensors).
 */
import { add, cast, fmtShape, isFloating, shapesEqual, tidy, type Tensor } from '@nn/tensor';
import { inputsOf, isReleased, modificationOf, nodeOf, release, type Node } from './graph.js';
import { hasHooks, runHooks } from './hooks.js';
import { enableGrad, noGrad } from './mode.js';
import { NON_DIFFERENTIABLE, RULES } from './rules/index.js';

export interface PassOptions {
  /** Name of the public function, for error messages. */
  op: string;
  /** Record the rules' ops too, so the gradients can be differentiated again. */
  createGraph: boolean;
  /** Keep the saved tensors of the nodes run, so another pass can go through them. */
  retainGraph: boolean;
  /**
   * Collect gradients for these tensors and stop there (functional mode); when absent, collect them for every
   * leaf (a tensor with requiresGrad and no node) reached.
   */
  targets?: readonly Tensor[];
}

/**
 * Runs the reverse pass from `roots` seeded with `seeds` (dL/droot) and returns the gradient reaching each
 * collected tensor. Call inside a `tidy`: every intermediate is freed; only the returned gradients survive.
 */
export function reversePass(roots: readonly Tensor[], seeds: readonly Tensor[], opts: PassOptions): Map<Tensor, Tensor> {
  const { op, createGraph } = opts;
  const targets = opts.targets ? new Set(opts.targets) : undefined;
  const isTerminal = (t: Tensor): boolean => (targets ? targets.has(t) : nodeOf(t) === undefined);
  const order = topoOrder(op, roots, isTerminal);
  const needed = neededTensors(order, isTerminal);

  // Gradients so far, and how many map entries hold each gradient tensor (rules may pass dy through as is).
  const grads = new Map<Tensor, Tensor>();
  const holders = new Map<Tensor, number>();
  const external = new Set(seeds);
  const hold = (g: Tensor): void => void holders.set(g, (holders.get(g) ?? 0) + 1);
  const unhold = (g: Tensor): void => {
    const n = (holders.get(g) ?? 1) - 1;
    if (n > 0) return void holders.set(g, n);
    holders.delete(g);
    // Under createGraph the new graph may have saved it: the enclosing tidy decides.
    if (!createGraph && !external.has(g)) g.dispose();
  };
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    const next = prev ? add(prev, g) : g;
    grads.set(t, next);
    hold(next);
    if (prev) unhold(prev);
  };

  const runRules = (): void => {
    roots.forEach((r, i) => accumulate(r, seeds[i]!));
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      let dy = grads.get(t);
      if (!dy) continue;
      // Every use of t comes before it in this order, so dy is complete: its hooks may replace it.
      if (hasHooks(t)) {
        const hooked = runHooks(op, t, dy, createGraph);
        if (hooked !== dy) {
          grads.set(t, hooked);
          hold(hooked);
          unhold(dy);
          dy = hooked;
        }
      }
      const node = isTerminal(t) ? undefined : (nodeOf(t) as Node | undefined);
      // A leaf keeps its gradient in `grads` (collected below); one that is not a target (functional mode) gets none.
      if (!node) continue;
      grads.delete(t);
      const inputs = inputsOf(node);
      const needs = inputs.map((x) => x.requiresGrad && needed.has(x));
      const gs = runRule(op, node, inputs, dy, needs);
      inputs.forEach((x, i) => {
        if (needs[i] && gs[i]) accumulate(x, gs[i]!);
      });
      for (const g of gs) if (g && g !== dy && !holders.has(g) && !createGraph) g.dispose();
      unhold(dy);
      // Each node runs once per pass: its saved tensors can go now, as PyTorch frees them, not at the end.
      if (!opts.retainGraph) release(t);
    }
  };
  if (createGraph) enableGrad(runRules);
  else noGrad(runRules);

  const out = new Map<Tensor, Tensor>();
  for (const [t, g] of grads) if (isTerminal(t)) out.set(t, g);
  return out;
}

/** Tensors in post-order (every tensor after the inputs of its node), reached through inputs that require grad. */
function topoOrder(op: string, roots: readonly Tensor[], isTerminal: (t: Tensor) => boolean): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: { t: Tensor; next: number; inputs: readonly Tensor[] }[] = [];
  const push = (t: Tensor): void => {
    seen.add(t);
    const n = isTerminal(t) ? undefined : nodeOf(t);
    if (n && isReleased(n))
      throw new Error(
        `${op}: trying to backward through the graph a second time (the saved tensors of '${n.kernel}' were freed by the first backward); ` +
          'pass {retainGraph: true} to the first backward to keep them',
      );
    stack.push({ t, next: 0, inputs: n ? inputsOf(n as Node) : [] });
  };
  for (const r of roots) if (!seen.has(r)) push(r);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const inputs = top.inputs;
    if (top.next < inputs.length) {
      const x = inputs[top.next++]!;
      if (x.requiresGrad && !seen.has(x)) push(x);
    } else {
      stack.pop();
      order.push(top.t);
    }
  }
  return order;
}

/** The tensors through which a gradient reaches a collected tensor (others need no rule run). */
function neededTensors(order: readonly Tensor[], isTerminal: (t: Tensor) => boolean): Set<Tensor> {
  const needed = new Set<Tensor>();
  for (const t of order) {
    if (isTerminal(t)) {
      if (t.requiresGrad) needed.add(t);
      continue;
    }
    const node = nodeOf(t) as Node | undefined;
    if (node && inputsOf(node).some((x) => needed.has(x))) needed.add(t);
  }
  return needed;
}

/** One rule call in its own tidy (its temporaries freed at once), with its results checked. */
function runRule(op: string, node: Node, inputs: readonly Tensor[], dy: Tensor, needs: boolean[]): (Tensor | null)[] {
  const rule = RULES[node.kernel];
  if (!rule || rule === NON_DIFFERENTIABLE) throw new Error(`${op}: no gradient rule for kernel '${node.kernel}'`);
  for (const { tensor, dataId } of node.saved) {
    if (tensor.isDisposed)
      throw new Error(`${op}: a tensor (shape ${fmtShape(tensor.shape)}) saved for the gradient of '${node.kernel}' was disposed before backward`);
    if (tensor.dataId !== dataId)
      throw new Error(
        `${op}: a tensor (shape ${fmtShape(tensor.shape)}) saved for the gradient of '${node.kernel}' was modified by ${modificationOf(tensor)} after it was used; ` +
          'compute the update after backward, or use a copy',
      );
  }
  // A gradient takes its input's floating dtype (float16 inputs of a float32 computation), as PyTorch's engine casts.
  const gs = tidy(() =>
    rule.backward(dy, { inputs, output: node.output, attrs: node.attrs, needs }).map((g, i) =>
      g && inputs[i] && g.dtype !== inputs[i].dtype && isFloating(g.dtype) && isFloating(inputs[i].dtype) ? cast(g, inputs[i].dtype) : g,
    ),
  );
  inputs.forEach((x, i) => {
    const g = gs[i];
    if (!needs[i] || !g) return;
    if (!shapesEqual(g.shape, x.shape) || g.dtype !== x.dtype)
      throw new Error(
        `${op}: the gradient rule of '${node.kernel}' gave ${g.dtype} ${fmtShape(g.shape)} for input ${i}, which is ${x.dtype} ${fmtShape(x.shape)}`,
      );
  });
  return gs;
}
