/**
 * The recorded graph. While grad mode is on, every kernel call with an input that requires gradients becomes
 * a node keyed by its output tensor (in a WeakMap: @nn/tensor knows nothing of it). A node keeps the tensors
 * its gradient rule reads ("saved"); the rest of its inputs are kept only as identities and shapes.
 *
 * Memory: the engine asks `retained(roots)` when a `tidy` ends, and keeps the saved tensors of the graphs of
 * the tensors it returns; at top level it hands them to `adopt`. Releasing a node (after backward) disposes
 * the adopted tensors no live node saves any more.
 */
import { engine, type DataId, type Tensor } from '@nn/tensor';
import { isGradEnabled } from './mode.js';
import { NON_DIFFERENTIABLE, RULES } from './rules/index.js';

export interface Node {
  readonly kernel: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Tensors the rule reads, with the storage each had when recorded (an `assign` since then is an error). */
  readonly saved: readonly { tensor: Tensor; dataId: DataId }[];
}

/** A node whose saved tensors were freed by backward; kept so a second backward can say so. */
export interface ReleasedNode {
  readonly kernel: string;
  readonly released: true;
}

const nodes = new WeakMap<Tensor, Node | ReleasedNode>();
/** How many live nodes save each tensor. */
const saveCounts = new WeakMap<Tensor, number>();
/** Tensors a top-level `tidy` would have freed but the graph still needed: freed when their last node is released. */
const adopted = new WeakSet<Tensor>();

export function nodeOf(t: Tensor): Node | ReleasedNode | undefined {
  return nodes.get(t);
}

export function isReleased(n: Node | ReleasedNode): n is ReleasedNode {
  return 'released' in n;
}

function record(kernel: string, inputs: readonly Tensor[], attrs: Record<string, unknown>, output: Tensor): void {
  if (output.dtype !== 'float32' || !isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return;
  const rule = RULES[kernel];
  if (rule === NON_DIFFERENTIABLE) return;
  const saved: Tensor[] = [];
  if (rule) {
    for (const i of rule.saveInputs ?? []) if (inputs[i] && !saved.includes(inputs[i])) saved.push(inputs[i]);
    if (rule.saveOutput) saved.push(output);
  }
  for (const t of saved) saveCounts.set(t, (saveCounts.get(t) ?? 0) + 1);
  nodes.set(output, { kernel, inputs: [...inputs], output, attrs, saved: saved.map((tensor) => ({ tensor, dataId: tensor.dataId })) });
  output.requiresGrad = true;
}

/** Frees a node's saved tensors (disposing those only the graph kept alive); a later backward through it fails. */
export function release(t: Tensor): void {
  const node = nodes.get(t);
  if (!node || isReleased(node)) return;
  nodes.set(t, { kernel: node.kernel, released: true });
  for (const { tensor } of node.saved) {
    const n = (saveCounts.get(tensor) ?? 1) - 1;
    if (n > 0) saveCounts.set(tensor, n);
    else {
      saveCounts.delete(tensor);
      if (adopted.has(tensor)) {
        adopted.delete(tensor);
        tensor.dispose();
      }
    }
  }
}

/**
 * Visits every live node reachable from `roots` once (iteratively: graphs can be deep), skipping nodes whose
 * output has an id below `since`: ids grow with creation and a kernel's inputs exist before its output, so
 * everything behind such a node is older too.
 */
export function forEachNode(roots: Iterable<Tensor>, visit: (node: Node) => void, since = 0): void {
  const seen = new Set<Tensor>();
  const stack: Tensor[] = [];
  const push = (t: Tensor): void => {
    if (seen.has(t) || t.id < since) return;
    seen.add(t);
    stack.push(t);
  };
  for (const r of roots) push(r);
  while (stack.length) {
    const node = nodes.get(stack.pop()!);
    if (!node || isReleased(node)) continue;
    visit(node);
    for (const t of node.inputs) if (t.requiresGrad) push(t);
  }
}

/** What the engine asks when a `tidy` ends (exported for tests). */
export const graphRetainer = {
  // `since` (when the engine passes it): the first tensor id of the closing scope; older nodes hold nothing
  // of that scope, so the walk stops there and a tidy costs the size of its own part of the graph.
  retained(roots: readonly Tensor[], since?: number) {
    const out: Tensor[] = [];
    forEachNode(roots, (node) => {
      for (const { tensor } of node.saved) out.push(tensor);
    }, since);
    return out;
  },
  adopt(tensors: readonly Tensor[]) {
    for (const t of tensors) adopted.add(t);
  },
};

engine.addKernelListener(record);
engine.setGraphRetainer(graphRetainer);
