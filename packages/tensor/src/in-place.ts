/**
 * In-place ops with PyTorch's trailing underscore: `x.add_(y)` computes `add(x, y)` and makes `x` hold the
 * result, returning `x` itself (the same object, so chains and references keep working).
 *
 * How: the new value is computed by the ordinary ops (so autograd records it like any other call), then `x`
 * takes its storage, as `assign` does (engine.inPlace). The storage is swapped, not overwritten: tensors that
 * shared x's old storage (`detach()`, `reshape`, ...) keep the old values, where PyTorch's views would see the
 * change. A tensor saved for a gradient and then modified in place makes that backward throw, as in PyTorch.
 *
 * With @nn/autograd loaded, a leaf that requires grad cannot be modified in place while gradients are recorded
 * (do it inside `noGrad`), and an in-place op on a tensor in the graph is recorded: the tensor stands for the
 * new value from then on, and what was computed from the old value still differentiates through the old one.
 *
 * The result must keep x's shape and dtype: `x.add_(y)` needs y to broadcast to x's shape, and an int32 x
 * cannot take a float result (`add_(0.5)`, `div_`), as PyTorch refuses both.
 */
import { engine } from './engine.js';
import { add, div, mul, sub } from './ops/binary.js';
import { castTo } from './ops/promote.js';
import { full } from './ops/creation.js';
import { expand } from './ops/movement.js';
import { assertTensor, describe, scalarOn, type TensorLike } from './ops/util.js';
import { clamp, where } from './ops/where.js';
import { broadcastShapes, fmtShape, shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

declare module './tensor.js' {
  interface Tensor {
    /** `this += alpha · other` in place (other broadcasts to this shape); returns this. */
    add_(other: TensorLike, opts?: { alpha?: number }): this;
    /** `this -= alpha · other` in place; returns this. */
    sub_(other: TensorLike, opts?: { alpha?: number }): this;
    /** `this *= other` in place; returns this. */
    mul_(other: TensorLike): this;
    /** `this /= other` in place (true division: float32 tensors only); returns this. */
    div_(other: TensorLike): this;
    /** Fills with zeros in place; returns this. */
    zero_(): this;
    /** Fills with `value` (a number, boolean or one-element tensor), converted to this dtype; returns this. */
    fill_(value: number | boolean | Tensor): this;
    /** Copies `src` (broadcast to this shape, converted to this dtype) into this tensor; returns this. */
    copy_(src: Tensor): this;
    /** Limits to [min, max] in place (as `clamp`); returns this. */
    clamp_(min?: TensorLike | null, max?: TensorLike | null): this;
    /** Sets `requiresGrad` (default true) and returns this, as PyTorch's `requires_grad_`. */
    requiresGrad_(requiresGrad?: boolean): this;
  }
}

/** Runs `compute` and swaps its result into x, refusing a result of another shape or dtype. */
function inPlace(op: string, x: Tensor, compute: () => Tensor): Tensor {
  assertTensor(op, 'this', x);
  return engine.inPlace(op, x, compute, (r) => {
    if (!shapesEqual(r.shape, x.shape))
      throw new Error(`${op}: output with shape ${fmtShape(x.shape)} doesn't match the broadcast shape ${fmtShape(r.shape)}`);
    if (r.dtype !== x.dtype) throw new Error(`${op}: result type ${r.dtype} can't be cast to the desired output type ${x.dtype}`);
  });
}

function scaled(op: string, other: TensorLike, opts: { alpha?: number } | undefined): TensorLike {
  if (opts === undefined) return other;
  if (typeof opts !== 'object' || opts === null) throw new Error(`${op}: options must be an object, got ${describe(opts)}`);
  const alpha = opts.alpha ?? 1;
  if (typeof alpha !== 'number') throw new Error(`${op}: alpha must be a number, got ${describe(alpha)}`);
  return alpha === 1 ? other : mul(other, alpha);
}

/**
 * `value` everywhere in x's shape and dtype. When x requires grad it is `where(false, x, value)`, so the
 * recorded op passes x a zero gradient (PyTorch's fill_ backward) and `value` its gradient.
 */
function filledLike(x: Tensor, value: Tensor | number | boolean): Tensor {
  const never = () => scalarOn(false, 'bool', x.device);
  if (value instanceof Tensor) {
    return engine.tidy(() => {
      const v = castTo(value.device === x.device ? value : value.to(x.device), x.dtype);
      return x.requiresGrad ? where(never(), x, v) : expand(v, x.shape);
    });
  }
  const v = x.dtype === 'bool' ? Boolean(value) : Number(value);
  if (x.requiresGrad) return engine.tidy(() => where(never(), x, scalarOn(v, x.dtype, x.device)));
  return full(x.shape, v, { dtype: x.dtype, device: x.device });
}

const methods: Record<string, (this: Tensor, ...args: never[]) => Tensor> = {
  add_(this: Tensor, other: TensorLike, opts?: { alpha?: number }) {
    return inPlace('add_', this, () => engine.tidy(() => add(this, scaled('add_', other, opts))));
  },
  sub_(this: Tensor, other: TensorLike, opts?: { alpha?: number }) {
    return inPlace('sub_', this, () => engine.tidy(() => sub(this, scaled('sub_', other, opts))));
  },
  mul_(this: Tensor, other: TensorLike) {
    return inPlace('mul_', this, () => mul(this, other));
  },
  div_(this: Tensor, other: TensorLike) {
    return inPlace('div_', this, () => div(this, other));
  },
  zero_(this: Tensor) {
    return inPlace('zero_', this, () => filledLike(this, 0));
  },
  fill_(this: Tensor, value: number | boolean | Tensor) {
    if (value instanceof Tensor) {
      assertTensor('fill_', 'value', value);
      if (value.rank !== 0) throw new Error(`fill_: value must be a 0-d tensor or a number, got a tensor of shape ${fmtShape(value.shape)}`);
    } else if (typeof value !== 'number' && typeof value !== 'boolean')
      throw new Error(`fill_: value must be a number, boolean or 0-d tensor, got ${describe(value)}`);
    return inPlace('fill_', this, () => filledLike(this, value));
  },
  copy_(this: Tensor, src: Tensor) {
    assertTensor('copy_', 'src', src);
    const s = broadcastShapes('copy_', this.shape, src.shape);
    if (!shapesEqual(s, this.shape))
      throw new Error(`copy_: src of shape ${fmtShape(src.shape)} cannot be broadcast to this tensor's shape ${fmtShape(this.shape)}`);
    return inPlace('copy_', this, () => filledLike(this, src));
  },
  clamp_(this: Tensor, min?: TensorLike | null, max?: TensorLike | null) {
    return inPlace('clamp_', this, () => clamp(this, min, max));
  },
  requiresGrad_(this: Tensor, requiresGrad = true) {
    if (typeof requiresGrad !== 'boolean') throw new Error(`requiresGrad_: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    this.requiresGrad = requiresGrad;
    return this;
  },
};

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(methods)) proto[name] = fn;

/** Names of the in-place methods, for tests and documentation. */
export const IN_PLACE_METHODS = Object.keys(methods);
