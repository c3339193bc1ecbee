/**
 * Operand preparation shared by the elementwise ops (binary, compare, where, clamp) and the float-only ops:
 * casting to a target dtype through the Cast kernel (so autograd sees it) and PyTorch-style promotion.
 */
import { promoteTypes, type DType } from '../dtype.js';
import { engine } from '../engine.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertTensor, binaryOperands, type TensorLike } from './util.js';

/** `t` itself when it already has `dtype`, else a Cast of it. */
export function castTo(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : engine.runKernel('Cast', [t], { dtype });
}

/**
 * A composite float op the way PyTorch computes half ops ("opmath"): `f` runs on x in float32 (int32 and bool
 * cast too) and a float16 x gets its result rounded to float16 once, at the end, rather than after every step.
 * Call it inside a tidy scope: the casts are temporaries.
 */
export function inFloat32(x: Tensor, f: (xf: Tensor) => Tensor): Tensor {
  const out = f(castTo(x, 'float32'));
  return x.dtype === 'float16' ? castTo(out, 'float16') : out;
}

/** Throws `op: a is on cpu but b is on webgpu; ...` unless all the tensors share one device. */
export function assertSameDevice(op: string, names: readonly string[], ts: readonly Tensor[]): void {
  const d = ts[0]!.device;
  const i = ts.findIndex((t) => t.device !== d);
  if (i > 0) throw new Error(`${op}: ${names[0]} is on ${d} but ${names[i]} is on ${ts[i]!.device}; move one with .to('${d}')`);
}

/**
 * Runs a two-operand elementwise kernel the PyTorch way: numbers become 0-d tensors on the tensor's device
 * (with scalar promotion), shapes must broadcast, both operands are cast to the promoted dtype — mapped through
 * `dtypeFor` (e.g. true division always gives float32) — and the kernel sees one dtype. Temporaries are freed.
 */
export function elementwise2(
  op: string,
  kernel: string,
  a: TensorLike,
  b: TensorLike,
  dtypeFor: (promoted: DType) => DType = (p) => p,
): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) {
    check(op, assertTensor(op, 'a', a), assertTensor(op, 'b', b));
    const dtype = dtypeFor(promoteTypes(a.dtype, b.dtype));
    if (a.dtype === dtype && b.dtype === dtype) return engine.runKernel(kernel, [a, b]);
  }
  return engine.tidy(() => {
    const [ta, tb] = binaryOperands(op, a, b);
    check(op, ta, tb);
    const dtype = dtypeFor(promoteTypes(ta.dtype, tb.dtype));
    return engine.runKernel(kernel, [castTo(ta, dtype), castTo(tb, dtype)]);
  });
}

function check(op: string, a: Tensor, b: Tensor): void {
  assertSameDevice(op, ['a', 'b'], [a, b]);
  broadcastShapes(op, a.shape, b.shape);
}
