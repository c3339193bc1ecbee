import { Tensor } from '@nn/tensor';

/** A tensor or an iterable of tensors (e.g. `model.parameters()`), as PyTorch's clipping functions take. */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

/** `x` as an array of live tensors; throws `op: arg[i] must be a Tensor, got ...` naming the culprit. */
export function tensorList(op: string, arg: string, x: unknown): Tensor[] {
  if (x instanceof Tensor) return [checkLive(op, arg, x)];
  if (x === null || typeof x !== 'object' || typeof (x as Iterable<unknown>)[Symbol.iterator] !== 'function')
    throw new Error(`${op}: ${arg} must be a Tensor or an iterable of Tensors, got ${describe(x)}`);
  const out: Tensor[] = [];
  for (const t of x as Iterable<unknown>) {
    const name = `${arg}[${out.length}]`;
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(t)}`);
    out.push(checkLive(op, name, t));
  }
  return out;
}

/** The `.grad` of each parameter that has one (parameters without a gradient are skipped, as in PyTorch). */
export function gradsOf(op: string, params: unknown): Tensor[] {
  const grads: Tensor[] = [];
  for (const [i, p] of tensorList(op, 'params', params).entries())
    if (p.grad !== null) grads.push(checkLive(op, `params[${i}].grad`, p.grad));
  return grads;
}

function checkLive(op: string, name: string, t: Tensor): Tensor {
  if (t.isDisposed) throw new Error(`${op}: ${name} (shape [${t.shape.join(',')}]) has been disposed`);
  return t;
}

export function describe(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (x === null || x === undefined || typeof x !== 'object') return String(x);
  if (Array.isArray(x)) return 'an array';
  return (x as object).constructor?.name ?? 'an object';
}
