/**
 * Activation checkpointing (PyTorch's `torch.utils.checkpoint`): trade compute for memory by discarding the
 * intermediate states of a part of the network in the forward pass and rematerialising them in the backward
 * pass.
 *
 * How it works here: `fn` runs under noGrad inside a `tidy`, so none of its intermediates are recorded or kept.
 * Its output then goes through one `Checkpoint` kernel (an alias of the output's storage, no copy) whose graph
 * node has as inputs the tensors a gradient must reach: the inputs that require grad and every outer tensor
 * that requires grad `fn` read (a module's parameters, found by watching the kernels `fn` ran). That node saves
 * only those tensors. Its gradient rule re-runs `fn` with recording on (replaying the random stream, so a
 * Dropout inside draws the same mask) and runs the reverse pass of that one segment from the incoming gradient.
 * The semantics are those of PyTorch's non-reentrant variant (`use_reentrant=False`): gradients reach
 * parameters used inside `fn` even when no input requires grad, and both `backward` and `grad` work.
 */
import {
  defaultGenerator, describeValue as describe, engine, fmtShape, hasKernel, isFloating, isPlainObject, registerKernel, tidy, Tensor,
  type GeneratorState, type KernelFunc,
} from '@nn/tensor';
import { enableGrad, isGradEnabled, noGrad } from './mode.js';
import { RULES, type GradContext, type GradRule } from './rules/index.js';
import { reversePass } from './tape.js';

export interface CheckpointOptions {
  /**
   * Restore the default generator's state before the recomputation (and put the outer state back after it),
   * so random ops inside `fn` (Dropout) draw exactly what the forward drew. Default true, as PyTorch.
   */
  preserveRngState?: boolean;
}

const OPTION_KEYS = ['preserveRngState'];
const KERNEL = 'Checkpoint';

/** What the gradient rule of one checkpointed call needs (kept in the node's attrs). */
interface Segment {
  /** Recomputes `fn` with recording on and returns d(output)/d(each node input) for dy (null where not needed). */
  backward(dy: Tensor, needs: readonly boolean[]): (Tensor | null)[];
}

/**
 * Which inputs the node being recorded saves. It varies per call (the number of inputs does), and the recorder
 * reads a rule's `saveInputs` once, while the kernel runs: this getter answers for that call.
 */
let savingNow: number[] = [];

const rule: GradRule = {
  get saveInputs() {
    return savingNow;
  },
  backward(dy: Tensor, ctx: GradContext) {
    return (ctx.attrs.segment as Segment).backward(dy, ctx.needs);
  },
};

/** Input 0 passed through as the output: the same storage, now with a graph node. */
const alias: KernelFunc = ({ inputs }) => {
  const y = inputs[0]!;
  return { dataId: y.dataId, shape: y.shape, dtype: y.dtype };
};

/**
 * Registered on first use on each backend: an implementation detail of checkpoint, not part of the primitive
 * kernel set (which the rule table and conformance suites enumerate).
 */
function ensureKernel(device: string): void {
  if (!hasKernel(device, KERNEL)) registerKernel(device, KERNEL, alias);
  RULES[KERNEL] ??= rule;
}

/**
 * Runs `fn(...inputs)` without keeping its intermediates for backward; the backward pass runs `fn` again to
 * get them. Gradients are exactly those of calling `fn` directly. `fn` must return a Tensor and compute the
 * same thing when run again (same ops, same inputs: random ops are replayed when `preserveRngState`). Inputs
 * may be tensors or other values (passed through); a plain object as the last argument is taken as the
 * options `{preserveRngState}`.
 *
 * Under noGrad it simply returns `fn(...inputs)`. When neither an input nor any tensor `fn` reads requires
 * grad it warns (as PyTorch does) and returns the result, which then requires no grad either.
 *
 * Limits: `fn` returns one tensor; higher-order gradients (`createGraph`) cannot go through a checkpoint; a
 * tensor hook on a parameter used inside `fn` also sees the gradient of the recomputed segment on its own.
 */
export function checkpoint<A extends unknown[]>(fn: (...args: A) => Tensor, ...args: [...A] | [...A, CheckpointOptions]): Tensor {
  const op = 'checkpoint';
  if (typeof fn !== 'function') throw new Error(`${op}: fn must be a function, got ${describe(fn)}`);
  let inputs = args as unknown[];
  let opts: CheckpointOptions = {};
  if (inputs.length > 0 && isPlainObject(inputs[inputs.length - 1])) {
    opts = inputs[inputs.length - 1] as CheckpointOptions;
    inputs = inputs.slice(0, -1);
    for (const k of Object.keys(opts))
      if (!OPTION_KEYS.includes(k)) throw new Error(`${op}: unknown option '${k}' (options: ${OPTION_KEYS.join(', ')})`);
  }
  const preserveRngState = opts.preserveRngState ?? true;
  if (typeof preserveRngState !== 'boolean')
    throw new Error(`${op}: preserveRngState must be a boolean, got ${describe(preserveRngState)}`);
  inputs.forEach((x, i) => {
    if (x instanceof Tensor && x.isDisposed) throw new Error(`${op}: input ${i} (shape ${fmtShape(x.shape)}) has been disposed`);
  });
  const run = fn as (...a: unknown[]) => Tensor;
  if (!isGradEnabled()) return checkOutput(op, run(...inputs));
  return segment(op, run, inputs, preserveRngState);
}

function checkOutput(op: string, y: unknown): Tensor {
  if (!(y instanceof Tensor))
    throw new Error(`${op}: fn must return a Tensor, got ${Array.isArray(y) ? 'an array (return one tensor)' : describe(y)}`);
  return y;
}

function segment(op: string, fn: (...a: unknown[]) => Tensor, inputs: unknown[], preserveRngState: boolean): Tensor {
  const rng: GeneratorState | undefined = preserveRngState ? defaultGenerator.getState() : undefined;
  const explicit = inputs.filter((x): x is Tensor => x instanceof Tensor && x.requiresGrad);
  // Outer tensors that require grad and that fn reads: created before it started, seen as a kernel input.
  const captured = new Set<Tensor>();
  const start = engine.clock;
  const stop = engine.addKernelListener((_name, ins) => {
    for (const t of ins) if (t.requiresGrad && t.id < start && !explicit.includes(t)) captured.add(t);
  });
  let y: Tensor;
  try {
    y = tidy(() => checkOutput(op, noGrad(() => fn(...inputs))));
  } finally {
    stop();
  }
  const sources = [...explicit, ...captured];
  if (sources.length === 0) {
    console.warn(
      `${op}: none of the inputs, nor any tensor fn reads, requires grad, so the output does not either ` +
        '(PyTorch: "None of the inputs have requires_grad=True. Gradients will be None")',
    );
    return y;
  }
  if (!isFloating(y.dtype)) throw new Error(`${op}: fn must return a float32 tensor to be differentiated, got ${y.dtype}`);

  const seg: Segment = {
    backward(dy, needs) {
      if (isGradEnabled())
        throw new Error(`${op}: higher-order gradients (createGraph) cannot go through a checkpoint; call fn directly`);
      // Fresh leaves for the inputs, so the recomputed graph stops at them; captured tensors are used as they are
      // (fn closes over them) and are targets, so the pass stops there too and never enters the outer graph.
      const views = new Map<Tensor, Tensor>();
      const args = inputs.map((x) => {
        if (!(x instanceof Tensor) || !x.requiresGrad) return x;
        const v = x.detach();
        v.requiresGrad = true;
        views.set(x, v);
        return v;
      });
      const outer = defaultGenerator.getState();
      if (rng) defaultGenerator.setState(rng);
      let y2: Tensor;
      try {
        // In its own tidy: what fn computes but no rule saves is freed now, not when this rule's scope ends.
        y2 = enableGrad(() => tidy(() => checkOutput(op, fn(...args))));
      } finally {
        if (rng) defaultGenerator.setState(outer);
      }
      const targets = sources.map((s) => views.get(s) ?? s);
      const found = y2.requiresGrad ? reversePass([y2], [dy], { op, createGraph: false, retainGraph: false, targets }) : new Map();
      // Node input 0 is fn's no-grad output; then the sources in order.
      return [null, ...targets.map((t, i) => (needs[i + 1] ? found.get(t) ?? null : null))];
    },
  };
  ensureKernel(y.device);
  savingNow = sources.map((_, i) => i + 1);
  let out: Tensor;
  try {
    out = engine.runKernel(KERNEL, [y, ...sources], { segment: seg });
  } finally {
    savingNow = [];
  }
  // fn may return one of its inputs: only a tensor it created is ours to free (out keeps the storage).
  if (y.id >= start) y.dispose();
  return out;
}

/** A step of `checkpointSequential`: a function of one tensor, or a module (its `call` when it has one). */
export type SequentialStep = ((x: Tensor) => Tensor) | { forward(x: Tensor): Tensor; call?(x: Tensor): Tensor };

/**
 * PyTorch's `checkpoint_sequential`: splits `modules` (an array, or a container such as `Sequential` whose
 * `children()` are the steps) into `segments` runs of `floor(n / segments)` steps and checkpoints each but the
 * last (the last also takes the remainder, and is run plainly, as in PyTorch: its output's graph is needed at
 * once). Peak activation memory drops from all n steps' to about n/segments steps' plus the segment boundaries.
 */
export function checkpointSequential(
  modules: readonly SequentialStep[] | { children(): readonly unknown[] },
  segments: number,
  input: Tensor,
  opts: CheckpointOptions = {},
): Tensor {
  const op = 'checkpointSequential';
  const steps = (Array.isArray(modules) ? modules : hasChildren(modules) ? modules.children() : undefined) as unknown[] | undefined;
  if (!steps) throw new Error(`${op}: modules must be an array of modules or functions, or a Sequential, got ${describe(modules)}`);
  steps.forEach((m, i) => {
    if (typeof m !== 'function' && typeof (m as { forward?: unknown })?.forward !== 'function')
      throw new Error(`${op}: module ${i} must be a function or have a forward method, got ${describe(m)}`);
  });
  if (!Number.isInteger(segments) || segments < 1 || segments > steps.length)
    throw new Error(`${op}: segments must be an integer in [1, ${steps.length}] (the number of modules), got ${describe(segments)}`);
  if (!(input instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(input)}`);
  const runStep = (m: unknown, x: Tensor): Tensor => {
    if (typeof m === 'function') return m(x);
    const s = m as Exclude<SequentialStep, (x: Tensor) => Tensor>;
    return s.call ? s.call(x) : s.forward(x);
  };
  const runRange = (from: number, to: number) => (x: Tensor): Tensor => {
    for (let i = from; i < to; i++) x = checkOutputOf(op, i, runStep(steps[i], x));
    return x;
  };
  const size = Math.floor(steps.length / segments);
  let x = input;
  for (let s = 0; s < segments - 1; s++) x = checkpoint(runRange(s * size, (s + 1) * size), x, { ...opts });
  return runRange((segments - 1) * size, steps.length)(x);
}

function hasChildren(m: unknown): m is { children(): readonly unknown[] } {
  return typeof m === 'object' && m !== null && typeof (m as { children?: unknown }).children === 'function';
}

function checkOutputOf(op: string, i: number, y: unknown): Tensor {
  if (!(y instanceof Tensor)) throw new Error(`${op}: module ${i} must return a Tensor, got ${describe(y)}`);
  return y;
}
