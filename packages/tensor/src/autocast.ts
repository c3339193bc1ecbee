/**
 * Automatic mixed precision (PyTorch's `torch.autocast` with dtype float16, CUDA op lists): inside
 * `autocast(fn)`, ops on the lower-precision list (matmul, linear, conv) cast their floating inputs to float16
 * and return float16; ops on the float32 list (softmax, logSoftmax, logsumexp, sum, exp, log, pow, rsqrt, layer and
 * group norm, the losses) widen float16 inputs to float32; every other op runs in its inputs' promoted dtype
 * (relu of float16 is float16, float16 + float32 is float32). The casts are recorded by autograd, so gradients
 * reach float32 parameters as float32. Pair it with `GradScaler` (@nn/optim) so small float16 gradients do not
 * flush to zero.
 */
import { engine } from './engine.js';
import type { Device } from './backend.js';
import type { Tensor } from './tensor.js';

export interface AutocastOptions {
  /** false runs `fn` with autocast off (e.g. a float32 region inside an autocast one). Default true. */
  enabled?: boolean;
  /** The lower-precision dtype. Only 'float16' (PyTorch's CUDA default; bfloat16 is not a dtype here). */
  dtype?: 'float16';
}

/** On, and for which device's ops (null: every device). */
let mode: { enabled: boolean; device: Device | null } = { enabled: false, device: null };

/** Whether ops are autocast now (on `device`'s tensors, when given). */
export function isAutocastEnabled(device?: Device): boolean {
  return mode.enabled && (device === undefined || mode.device === null || mode.device === device);
}

/** The dtype autocast lowers to ('float16'). */
export function getAutocastDtype(): 'float16' {
  return 'float16';
}

/**
 * Runs `fn` with autocast on (or off, `{enabled: false}`) and returns its result; the previous mode comes
 * back afterwards, also when `fn` throws. An async `fn` keeps the mode until its promise settles (the mode is
 * global, like `noGrad`'s). Run the backward pass outside: its ops follow the forward's dtypes by themselves.
 * `autocast(opts, fn)` works too, and PyTorch's form `autocast('webgpu', fn, opts?)` limits it to the ops on
 * tensors of that device (as `torch.autocast('cuda')` leaves CPU ops alone).
 */
export function autocast<T>(fn: () => T, opts?: AutocastOptions): T;
export function autocast<T>(opts: AutocastOptions, fn: () => T): T;
export function autocast<T>(deviceType: Device, fn: () => T, opts?: AutocastOptions): T;
export function autocast<T>(...args: unknown[]): T {
  const device = typeof args[0] === 'string' ? (args.shift() as string) : null;
  if (device !== null && device !== 'cpu' && device !== 'webgpu')
    throw new Error(`autocast: deviceType must be 'cpu' or 'webgpu', got ${device}`);
  const [a, b] = args;
  const [fn, opts] = typeof a === 'function' ? [a as () => T, (b ?? {}) as AutocastOptions] : [b as () => T, (a ?? {}) as AutocastOptions];
  if (typeof fn !== 'function') throw new Error(`autocast: fn must be a function, got ${typeof fn}`);
  if (typeof opts !== 'object' || opts === null) throw new Error(`autocast: options must be an object, got ${String(opts)}`);
  for (const k of Object.keys(opts))
    if (k !== 'enabled' && k !== 'dtype') throw new Error(`autocast: unknown option '${k}' (expected enabled, dtype)`);
  if (opts.dtype !== undefined && opts.dtype !== 'float16')
    throw new Error(`autocast: dtype must be 'float16', got ${String(opts.dtype)} (bfloat16 is not supported)`);
  if (opts.enabled !== undefined && typeof opts.enabled !== 'boolean')
    throw new Error(`autocast: enabled must be a boolean, got ${String(opts.enabled)}`);
  const prev = mode;
  mode = { enabled: opts.enabled ?? true, device: device as Device | null };
  return withRestore(fn, () => void (mode = prev));
}

/**
 * `fn()`, then `restore()`: at once, when `fn` throws, or when its promise settles if it is async. How a global
 * mode (autocast here, gradient recording in @nn/autograd) is scoped to a callback.
 */
export function withRestore<T>(fn: () => T, restore: () => void): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

/** PyTorch's two autocast lists: ops that run in float16, and ops that run in float32. */
export type AutocastList = 'float16' | 'float32';

/**
 * For an op on autocast `list`: when autocast is on and some floating input is not of the list's dtype, runs
 * `op` on the inputs cast to it (in a scope that frees the casts once the result exists; autograd keeps what it
 * needs) and returns its result; otherwise null, and the op runs as usual. Null, non-floating and already-cast
 * inputs pass through, so `op` calling back into the same op ends there.
 */
export function autocastOp<const A extends readonly (Tensor | null)[]>(list: AutocastList, inputs: A, op: (...xs: A) => Tensor): Tensor | null {
  if (!mode.enabled || (mode.device !== null && !inputs.some((x) => x?.device === mode.device))) return null;
  const from = list === 'float16' ? 'float32' : 'float16';
  if (!inputs.some((x) => x?.dtype === from)) return null;
  return engine.tidy(() => op(...(inputs.map((x) => (x?.dtype === from ? engine.runKernel('Cast', [x], { dtype: list }) : x)) as unknown as A)));
}
