/**
 * In-place initializers with PyTorch's names (`torch.nn.init.kaiming_normal_` → `kaimingNormal_`, ...): each
 * fills an existing float32 tensor — typically a module's parameter — and returns that same tensor object.
 * The values are exactly what the out-of-place twin returns for the tensor's shape and device (the same draws
 * from the same generator); the new storage is swapped in with `assign`, which autograd does not record (as
 * PyTorch's init functions run under no_grad), so `requiresGrad`, `.grad` and the tensor's identity are kept
 * and an optimizer that holds the tensor keeps working on it.
 */
import { fmtShape, Tensor } from '@nn/tensor';
import { constant, ones, zeros } from './constant.js';
import { kaimingNormal, kaimingUniform, type KaimingOptions } from './kaiming.js';
import { normal } from './normal.js';
import { describe, type InitOptions } from './options.js';
import { orthogonal, type OrthogonalOptions } from './orthogonal.js';
import { truncNormal, type TruncNormalOptions } from './trunc-normal.js';
import { uniform } from './uniform.js';
import { xavierNormal, xavierUniform, type XavierOptions } from './xavier.js';

/** The options of an in-place initializer: the tensor fixes the shape, device and requiresGrad. */
export type InPlace<O> = Omit<O, 'device' | 'requiresGrad'>;

export interface UniformOptions extends InPlace<InitOptions> {
  /** Lower bound (default 0). */
  a?: number;
  /** Upper bound (default 1). */
  b?: number;
}

export interface NormalOptions extends InPlace<InitOptions> {
  /** Default 0. */
  mean?: number;
  /** Default 1. */
  std?: number;
}

/**
 * Fills `tensor` with U(a, b) (default U(0, 1)), as `uniform(tensor.shape, a, b)`: `uniform_(t, {a, b})`, or
 * positionally as PyTorch and `uniform`, `uniform_(t, a, b, opts?)`.
 */
export function uniform_<T extends Tensor>(tensor: T, opts?: UniformOptions): T;
export function uniform_<T extends Tensor>(tensor: T, a: number, b?: number, opts?: InPlace<InitOptions>): T;
export function uniform_<T extends Tensor>(tensor: T, a?: number | UniformOptions, b?: number, opts?: InPlace<InitOptions>): T {
  const o: UniformOptions | undefined = typeof a === 'number' ? { ...opts, a, b } : a;
  return fill('uniform_', 'uniform', tensor, o, (s, p) => uniform(s, p.a ?? 0, p.b ?? 1, p));
}

/**
 * Fills `tensor` with N(mean, std²) (default N(0, 1)), as `normal(tensor.shape, mean, std)`:
 * `normal_(t, {mean, std})`, or positionally as PyTorch and `normal`, `normal_(t, mean, std, opts?)`.
 */
export function normal_<T extends Tensor>(tensor: T, opts?: NormalOptions): T;
export function normal_<T extends Tensor>(tensor: T, mean: number, std?: number, opts?: InPlace<InitOptions>): T;
export function normal_<T extends Tensor>(tensor: T, mean?: number | NormalOptions, std?: number, opts?: InPlace<InitOptions>): T {
  const o: NormalOptions | undefined = typeof mean === 'number' ? { ...opts, mean, std } : mean;
  return fill('normal_', 'normal', tensor, o, (s, p) => normal(s, p.mean ?? 0, p.std ?? 1, p));
}

/** Fills `tensor` with N(mean, std²) truncated to [a, b] (defaults 0, 1, −2, 2), as `truncNormal`. */
export function truncNormal_<T extends Tensor>(tensor: T, opts?: InPlace<TruncNormalOptions>): T {
  return fill('truncNormal_', 'truncNormal', tensor, opts, truncNormal);
}

/** Fills `tensor` with `value`. */
export function constant_<T extends Tensor>(tensor: T, value: number): T {
  return fill('constant_', 'constant', tensor, {}, (s, o) => constant(s, value, o));
}

/** Fills `tensor` with zeros. */
export function zeros_<T extends Tensor>(tensor: T): T {
  return fill('zeros_', 'zeros', tensor, {}, zeros);
}

/** Fills `tensor` with ones. */
export function ones_<T extends Tensor>(tensor: T): T {
  return fill('ones_', 'ones', tensor, {}, ones);
}

/** Xavier/Glorot uniform in place (see `xavierUniform`). */
export function xavierUniform_<T extends Tensor>(tensor: T, opts?: InPlace<XavierOptions>): T {
  return fill('xavierUniform_', 'xavierUniform', tensor, opts, xavierUniform);
}

/** Xavier/Glorot normal in place (see `xavierNormal`). */
export function xavierNormal_<T extends Tensor>(tensor: T, opts?: InPlace<XavierOptions>): T {
  return fill('xavierNormal_', 'xavierNormal', tensor, opts, xavierNormal);
}

/** Kaiming/He uniform in place (see `kaimingUniform`). */
export function kaimingUniform_<T extends Tensor>(tensor: T, opts?: InPlace<KaimingOptions>): T {
  return fill('kaimingUniform_', 'kaimingUniform', tensor, opts, kaimingUniform);
}

/** Kaiming/He normal in place (see `kaimingNormal`). */
export function kaimingNormal_<T extends Tensor>(tensor: T, opts?: InPlace<KaimingOptions>): T {
  return fill('kaimingNormal_', 'kaimingNormal', tensor, opts, kaimingNormal);
}

/** (Semi-)orthogonal in place (see `orthogonal`). */
export function orthogonal_<T extends Tensor>(tensor: T, opts?: InPlace<OrthogonalOptions>): T {
  return fill('orthogonal_', 'orthogonal', tensor, opts, orthogonal);
}

/**
 * Makes the values with `make(shape, {...opts, device})` and swaps them into `tensor`. Errors of the
 * out-of-place function (named `base: ...`) are renamed to the in-place one (`op: ...`).
 */
function fill<T extends Tensor, O extends object>(
  op: string,
  base: string,
  tensor: T,
  opts: O | undefined,
  make: (shape: number[], opts: O & { device: Tensor['device'] }) => Tensor,
): T {
  if (!(tensor instanceof Tensor)) throw new Error(`${op}: tensor must be a Tensor, got ${describe(tensor)}`);
  if (tensor.isDisposed) throw new Error(`${op}: tensor (shape ${fmtShape(tensor.shape)}) has been disposed`);
  if (tensor.dtype !== 'float32') throw new Error(`${op}: tensor must be float32, got ${tensor.dtype}`);
  if (opts !== undefined && (typeof opts !== 'object' || opts === null || Array.isArray(opts)))
    throw new Error(`${op}: options must be an object, got ${describe(opts)}`);
  let values: Tensor;
  try {
    values = make([...tensor.shape], { ...(opts as O), device: tensor.device });
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${base}:`)) e.message = op + e.message.slice(base.length);
    throw e;
  }
  try {
    tensor.assign(values);
  } finally {
    values.dispose();
  }
  return tensor;
}
