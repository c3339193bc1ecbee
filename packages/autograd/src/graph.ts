/**
 * The recorded graph. While grad mode is on, every kernel call with an input that requires gradients becomes
 * a node keyed by its output tensor (in a WeakMap: @nn/tensor knows nothing of it). A node keeps the tensors
 * its gradient rule reads ("saved"); the rest of its inputs are kept only as identities and shapes.
 *
 * Memory: the engine asks `retained(roots)` when a `tidy` ends, and keeps the saved tensors of the graphs of
 * the tensors it returns; at top level it hands them to `adopt`. Releasing a node (after backward) disposes
 * the adopted tensors no live node saves any more.
 */
import { engine, fmtShape, isFloating, type DataId, type InPlaceHook, type Tensor } from '@nn/tensor';
import { isGradEnabled } from './mode.js';
import { NON_DIFFERENTIABLE, RULES } from './rules/index.js';

export interface Node {
  readonly kernel: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Tensors the rule reads, with the storage each had when recorded (an `assign` since then is an error). */
  readonly saved: readonly { tensor: Tensor; dataId: DataId }[];
  /**
   * When the call was recorded: its output's id (ids grow with creation). An in-place op rebinds its node to the
   * modified tensor, whose id is older, so time is kept here rather than read off the output.
   */
  readonly seq: number;
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
  if (!isFloating(output.dtype) || !isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return;
  const rule = RULES[kernel];
  if (rule === NON_DIFFERENTIABLE) return;
  const saved: Tensor[] = [];
  if (rule) {
    for (const i of rule.saveInputs ?? []) if (inputs[i] && !saved.includes(inputs[i])) saved.push(inputs[i]);
    if (rule.saveOutput) saved.push(output);
  }
  for (const t of saved) saveCounts.set(t, (saveCounts.get(t) ?? 0) + 1);
  nodes.set(output, {
    kernel, inputs: [...inputs], output, attrs, saved: saved.map((tensor) => ({ tensor, dataId: tensor.dataId })), seq: output.id,
  });
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
 * Visits every live node reachable from `roots` once (iteratively: graphs can be deep), skipping nodes recorded
 * before `since` (a tensor id): a kernel's inputs exist before its output, so everything behind such a node is
 * older too.
 */
export function forEachNode(roots: Iterable<Tensor>, visit: (node: Node) => void, since = 0): void {
  const seen = new Set<Tensor>();
  const stack: Tensor[] = [];
  const push = (t: Tensor): void => {
    if (seen.has(t)) return;
    seen.add(t);
    stack.push(t);
  };
  for (const r of roots) push(r);
  while (stack.length) {
    const node = nodes.get(stack.pop()!);
    if (!node || isReleased(node) || node.seq < since) continue;
    visit(node);
    for (const t of inputsOf(node)) if (t.requiresGrad) push(t);
  }
}

// ---- in-place ops ----
//
// `x.add_(y)` records add(x, y) as usual, then x takes the result's storage (engine.inPlace). Here x's graph
// identity moves too: a fresh tensor `old` takes over x's previous node and stands for the old value wherever the
// graph already named x; the new node is rebound to x, so later ops on x differentiate through the in-place op.
// Nodes recorded before the in-place op name x in their `inputs`; `inputsOf` resolves such a name to the version
// of x current when the node was recorded. Their saved entries still name x, so backward refuses them
// ("modified ... after it was used"), as PyTorch's version counter does.

/** Earlier versions of tensors modified in place: a node recorded before `until` that names the tensor meant `old`. */
const versions = new WeakMap<Tensor, { until: number; old: Tensor }[]>();
/** Set by the first in-place op on a tensor in the graph; until then `inputsOf` is a plain read. */
let anyInPlace = false;
/** The in-place op that last modified a tensor, for the error message of a saved tensor modified since. */
const modifiedBy = new WeakMap<Tensor, string>();

/** A node's inputs, each as the version it had when the node was recorded. */
export function inputsOf(node: Node): readonly Tensor[] {
  if (!anyInPlace) return node.inputs;
  let out: Tensor[] | undefined;
  node.inputs.forEach((x, i) => {
    const v = versions.get(x)?.find((v) => node.seq < v.until);
    if (v) (out ??= node.inputs.slice())[i] = v.old;
  });
  return out ?? node.inputs;
}

/** How a saved tensor whose storage changed was modified: by an in-place op (naming the last one), else by assign(). */
export function modificationOf(t: Tensor): string {
  const op = modifiedBy.get(t);
  return op === undefined ? 'assign()' : `an in-place op (the last was ${op}())`;
}

type MutableNode = { -readonly [K in keyof Node]: Node[K] } & { inputs: Tensor[]; saved: { tensor: Tensor; dataId: DataId }[] };

function retarget(node: MutableNode, from: Tensor, to: Tensor, dataId: DataId): void {
  node.inputs = node.inputs.map((x) => (x === from ? to : x));
  node.saved = node.saved.map((s) => {
    if (s.tensor !== from) return s;
    const n = (saveCounts.get(from) ?? 1) - 1;
    if (n > 0) saveCounts.set(from, n);
    else saveCounts.delete(from);
    saveCounts.set(to, (saveCounts.get(to) ?? 0) + 1);
    return { tensor: to, dataId };
  });
}

export const inPlaceHook: InPlaceHook = {
  before(op, target) {
    if (isGradEnabled() && target.requiresGrad && !nodes.has(target))
      throw new Error(
        `${op}: a leaf tensor that requires grad (shape ${fmtShape(target.shape)}) cannot be modified in place while gradients ` +
          'are recorded; do it inside noGrad(() => ...) (as optimizers and initializers do), or modify a clone()',
      );
    modifiedBy.set(target, op);
    // Everything recorded from here on belongs to this op.
    return engine.clock;
  },
  after(op, target, result, token) {
    const node = nodes.get(result) as MutableNode | undefined;
    if (!node || isReleased(node)) return; // not recorded (noGrad, or nothing requires grad): x keeps its node
    const since = token as number;
    // `old`: x's previous value and graph identity, sharing its (old) storage while something saved it.
    const old = target.detach();
    old.requiresGrad = target.requiresGrad;
    const prev = nodes.get(target);
    if (prev) nodes.set(old, isReleased(prev) || prev.output !== target ? prev : { ...prev, output: old });
    // The op's own nodes (a composite like clamp records several) read the old value.
    forEachNode([result], (n) => retarget(n as MutableNode, target, old, target.dataId), since);
    // Its last node now makes x. A rule that reads its output reads a copy of the result's storage handle, so a
    // later in-place op on x does not change what it reads (PyTorch saves the original for such in-place ops).
    nodes.delete(result);
    const savesOutput = node.saved.some((e) => e.tensor === result);
    node.output = savesOutput ? result.detach() : target;
    if (savesOutput) retarget(node, result, node.output, result.dataId);
    nodes.set(target, node);
    target.requiresGrad = true;
    let vs = versions.get(target);
    if (!vs) versions.set(target, (vs = []));
    vs.push({ until: since, old });
    anyInPlace = true;
    if (!saveCounts.has(old)) old.dispose(); // only its shape is needed
  },
};

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
engine.setInPlaceHook(inPlaceHook);
engine.setGraphRetainer(graphRetainer);
