/**
 * Tensor hooks (PyTorch's `Tensor.register_hook`): functions called with a tensor's gradient during the
 * reverse pass, each of which may return a replacement. They are kept here, in a WeakMap keyed by the tensor
 * (@nn/tensor knows nothing of them), and run by the tape when the tensor's gradient is complete: once, with
 * the sum over every use of the tensor, before it flows on to the tensor's inputs (a non-leaf) or is
 * accumulated into `.grad` (a leaf).
 */
import { fmtShape, shapesEqual, tidy, Tensor, describeValue as describe, type RemovableHandle, type TensorHook } from '@nn/tensor';

export type { RemovableHandle, TensorHook };

const hooks = new WeakMap<Tensor, Map<number, TensorHook>>();
let nextId = 0;

/**
 * Registers `fn` on `tensor` (which must require gradients) and returns a handle whose `remove()` unregisters
 * it. During backward `fn(grad)` is called with d(loss)/d(tensor); returning a tensor of the same shape
 * replaces that gradient for everything downstream (the inputs' gradients, or what a leaf accumulates into
 * `.grad`), returning nothing keeps it. Several hooks run in registration order, each given the previous
 * one's result. The gradient passed in is freed when backward ends: `keep(grad)` to hold on to it.
 */
export function registerHook(tensor: Tensor, fn: TensorHook): RemovableHandle {
  const op = 'registerHook';
  if (!(tensor instanceof Tensor)) throw new Error(`${op}: tensor must be a Tensor, got ${describe(tensor)}`);
  if (tensor.isDisposed) throw new Error(`${op}: tensor (shape ${fmtShape(tensor.shape)}) has been disposed`);
  if (typeof fn !== 'function') throw new Error(`${op}: fn must be a function, got ${describe(fn)}`);
  if (!tensor.requiresGrad)
    throw new Error(`${op}: cannot register a hook on a tensor (shape ${fmtShape(tensor.shape)}) that does not require grad`);
  let map = hooks.get(tensor);
  if (!map) hooks.set(tensor, (map = new Map()));
  const id = nextId++;
  map.set(id, fn);
  const remove = (): void => void hooks.get(tensor)?.delete(id);
  return { remove, [Symbol.dispose]: remove };
}

export function hasHooks(t: Tensor): boolean {
  return (hooks.get(t)?.size ?? 0) > 0;
}

/**
 * Runs `t`'s hooks on its gradient `g` and returns the final gradient: `g` itself when no hook replaced it,
 * else a tensor the caller owns (a view of what the hook returned, so disposing it never frees a tensor of the
 * hook's own; under `createGraph` the hook's tensor itself, whose graph must stay connected).
 */
export function runHooks(op: string, t: Tensor, g: Tensor, createGraph: boolean): Tensor {
  let cur = g;
  for (const fn of [...(hooks.get(t)?.values() ?? [])]) {
    // The hook gets a view it may keep (keep(grad)): the pass frees its own gradient tensors as it goes.
    const arg = createGraph ? cur : cur.detach();
    const r = tidy(() => fn(arg));
    if (r === undefined || r === null || r === arg || r === cur) continue;
    if (!(r instanceof Tensor)) throw new Error(`${op}: a tensor hook must return a Tensor or nothing, got ${describe(r)}`);
    if (r.isDisposed) throw new Error(`${op}: a tensor hook returned a disposed tensor (shape ${fmtShape(r.shape)})`);
    if (!shapesEqual(r.shape, t.shape) || r.dtype !== t.dtype || r.device !== t.device)
      throw new Error(
        `${op}: a tensor hook must return a ${t.dtype} gradient of the tensor's shape ${fmtShape(t.shape)} on ${t.device}, ` +
          `got ${r.dtype} ${fmtShape(r.shape)} on ${r.device}`,
      );
    cur = createGraph ? r : r.detach();
  }
  return cur;
}

/**
 * `tensor.registerHook(fn)`. The method's type lives with Tensor's other method declarations in @nn/tensor
 * (as `backward`'s).
 */
(Tensor.prototype as unknown as Record<string, unknown>).registerHook = function (this: Tensor, fn: TensorHook): RemovableHandle {
  return registerHook(this, fn);
};
