import type { Device } from '../backend.js';
import { scalarDType, type DType } from '../dtype.js';
import { engine } from '../engine.js';
import { Tensor } from '../tensor.js';
import { makeArray } from '../dtype.js';
import { toHalfBits } from '../float16.js';
import { describeValue } from '../validate.js';

/** A tensor, or a plain number/boolean standing for a scalar (broadcast against the other operand). */
export type TensorLike = Tensor | number | boolean;

/** Throws `op: arg must be a Tensor` / `op: arg has been disposed`; returns `x` typed as Tensor. */
export function assertTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${arg} must be a Tensor, got ${describe(x)}`);
  if (x.isDisposed) throw new Error(`${op}: ${arg} (shape [${x.shape.join(',')}], ${x.dtype}) has been disposed`);
  return x;
}

/**
 * How a bad argument reads in a tensor op's error message: `describeValue`, except that strings stay unquoted
 * (`string 0.1`) and undefined reads `undefined undefined`, the wording the ops' messages have always had.
 */
export function describe(x: unknown): string {
  if (typeof x === 'string' || x === undefined) return `${typeof x} ${String(x)}`;
  return describeValue(x);
}

export function assertDTypeIn(op: string, arg: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) throw new Error(`${op}: ${arg} must have dtype ${allowed.join(' or ')}, got ${t.dtype}`);
}

/** A 0-d tensor holding `value`, on `device`. */
export function scalarOn(value: number | boolean, dtype: DType, device: Device): Tensor {
  const backend = engine.backendFor('scalar', device);
  const v = typeof value === 'boolean' ? Number(value) : value;
  const arr = dtype === 'float16' ? Uint16Array.of(toHalfBits(v)) : makeArray(dtype, 1);
  if (dtype !== 'float16') arr[0] = v;
  return engine.makeTensor({ dataId: backend.write(arr, [], dtype), shape: [], dtype }, backend, 'scalar');
}

/**
 * Turns the operands of a binary op into tensors on one device; a number becomes a 0-d tensor whose dtype
 * follows PyTorch's scalar promotion against the tensor operand.
 */
export function binaryOperands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const isNum = (x: unknown): x is number | boolean => typeof x === 'number' || typeof x === 'boolean';
  if (isNum(a) && isNum(b)) {
    const dt = (v: number | boolean): DType => (typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int32' : 'float32');
    return [scalarOn(a, dt(a), engine.getBackend()), scalarOn(b, dt(b), engine.getBackend())];
  }
  if (isNum(a)) {
    const tb = assertTensor(op, 'b', b);
    return [scalarOn(a, scalarDType(a, tb.dtype), tb.device), tb];
  }
  const ta = assertTensor(op, 'a', a);
  if (isNum(b)) return [ta, scalarOn(b, scalarDType(b, ta.dtype), ta.device)];
  return [ta, assertTensor(op, 'b', b)];
}
