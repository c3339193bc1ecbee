/**
 * The window kernels behind convolution and pooling (see kernels.ts): Im2Col, its adjoint Col2Im, and
 * MaxPoolIndices. One thread per output element; shapes and window settings travel as uniforms, so one
 * pipeline per kernel (and dtype) serves every geometry.
 */
import { registerKernel } from '../../../kernel-registry.js';
import type { Col2ImAttrs, Im2ColAttrs, MaxPoolIndicesAttrs, WindowAttrs } from '../../../kernels.js';
import { sizeOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, flatDispatch, wgslType, type Program } from '../program.js';
import type { DType } from '../../../dtype.js';
import { MATH_WGSL } from '../math.wgsl.js';

/**
 * Uniform layout shared by the three programs: [size, N, C, H, W, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow]
 * (the pads are read back as i32, the only values that are offsets rather than sizes).
 */
function windowUniforms(size: number, image: readonly number[], a: WindowAttrs): number[] {
  return [size, ...image, ...a.kernel, ...a.stride, ...a.dilation, a.pad[0] >>> 0, a.pad[1] >>> 0, ...a.outSize];
}

/** WGSL names for the uniforms above. */
const WINDOW_LETS = `
  let N = u(1u); let C = u(2u); let H = i32(u(3u)); let W = i32(u(4u));
  let kh = u(5u); let kw = u(6u); let sh = i32(u(7u)); let sw = i32(u(8u)); let dh = i32(u(9u)); let dw = i32(u(10u));
  let pt = i32(u(11u)); let pl = i32(u(12u)); let oh = u(13u); let ow = u(14u);`;

abstract class WindowProgram implements Program {
  readonly workgroupSize = [FLAT_WORKGROUP, 1, 1] as const;
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];
  abstract readonly shaderKey: string;

  constructor(size: number, image: readonly number[], a: WindowAttrs) {
    this.uniforms = windowUniforms(size, image, a);
    this.dispatch = flatDispatch(Math.ceil(size / FLAT_WORKGROUP));
  }

  protected main(body: string): string {
    return `
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  if (i >= u(0u)) { return; }${WINDOW_LETS}
${body}
}`;
  }

  abstract getUserCode(): string;
}

/** out[row, col] with row = (c, ky, kx) and col = (n, oy, ox): the image value under that tap, or 0 in the padding. */
class Im2ColProgram extends WindowProgram {
  readonly shaderKey = 'im2col';
  constructor(private readonly dtype: DType, image: readonly number[], a: WindowAttrs) {
    super(image[1]! * a.kernel[0] * a.kernel[1] * image[0]! * a.outSize[0] * a.outSize[1], image, a);
  }
  getUserCode(): string {
    return this.main(`
  let cols = N * oh * ow;
  let row = i / cols;
  let col = i % cols;
  let kx = i32(row % kw);
  let ky = i32((row / kw) % kh);
  let ch = row / (kw * kh);
  let b = col / (oh * ow);
  let oy = i32((col / ow) % oh);
  let ox = i32(col % ow);
  let y = oy * sh - pt + ky * dh;
  let x = ox * sw - pl + kx * dw;
  if (y < 0 || y >= H || x < 0 || x >= W) { out[i] = ${wgslType(this.dtype)}(0); return; }
  out[i] = in0[((b * C + ch) * u32(H) + u32(y)) * u32(W) + u32(x)];`);
  }
}

/**
 * out[n, c, y, x] = Σ over the taps (ky, kx) whose window grid position lands exactly on (y, x) of the column
 * value there. Each image element gathers its own contributions (no atomics), in (ky, kx) order, the order the
 * CPU kernel adds them in.
 */
class Col2ImProgram extends WindowProgram {
  readonly shaderKey = 'col2im';
  constructor(private readonly dtype: DType, image: readonly number[], a: WindowAttrs) {
    super(sizeOf(image), image, a);
  }
  getUserCode(): string {
    return this.main(`
  let cols = N * oh * ow;
  let x = i32(i % u32(W));
  let y = i32((i / u32(W)) % u32(H));
  let ch = (i / u32(W * H)) % C;
  let b = i / (u32(W * H) * C);
  var acc = ${wgslType(this.dtype)}(0);
  for (var ky = 0u; ky < kh; ky++) {
    let ty = y + pt - i32(ky) * dh;
    if (ty < 0 || ty % sh != 0 || u32(ty / sh) >= oh) { continue; }
    for (var kx = 0u; kx < kw; kx++) {
      let tx = x + pl - i32(kx) * dw;
      if (tx < 0 || tx % sw != 0 || u32(tx / sw) >= ow) { continue; }
      let row = (ch * kh + ky) * kw + kx;
      acc = acc + in0[row * cols + (b * oh + u32(ty / sh)) * ow + u32(tx / sw)];
    }
  }
  out[i] = acc;`);
  }
}

/** The CPU kernel's scan (PyTorch's): first in-image tap with −∞, then larger values or NaN win. */
class MaxPoolIndicesProgram extends WindowProgram {
  readonly shaderKey = 'maxPoolIndices';
  constructor(image: readonly number[], a: WindowAttrs) {
    super(image[0]! * image[1]! * a.outSize[0] * a.outSize[1], image, a);
  }
  getUserCode(): string {
    return MATH_WGSL + this.main(`
  let ox = i32(i % ow);
  let oy = i32((i / ow) % oh);
  let plane = (i / (ow * oh)) * u32(H * W);
  let y0 = oy * sh - pt;
  let x0 = ox * sw - pl;
  // PyTorch's scan starts at the first in-image tap with best = −∞; until a value is taken, "v > best" reads
  // "v is not −∞". NaN and infinity are tested by their bits (see math.wgsl.ts).
  var at = -1;
  var best = 0.0;
  var taken = false;
  for (var ky = 0u; ky < kh; ky++) {
    let y = y0 + i32(ky) * dh;
    if (y < 0 || y >= H) { continue; }
    for (var kx = 0u; kx < kw; kx++) {
      let x = x0 + i32(kx) * dw;
      if (x < 0 || x >= W) { continue; }
      let v = in0[plane + u32(y * W + x)];
      if (at < 0) { at = y * W + x; }
      if (is_nan(v) || select(!(is_inf(v) && v < 0.0), v > best, taken)) {
        best = v;
        at = y * W + x;
        taken = true;
      }
    }
  }
  out[i] = at;`);
  }
}

registerKernel<WebGpuBackend>('webgpu', 'Im2Col', ({ inputs: [x], attrs, backend }) => {
  const a = attrs as Im2ColAttrs;
  const [n, c] = x!.shape as [number, number];
  const outShape = [c * a.kernel[0] * a.kernel[1], n * a.outSize[0] * a.outSize[1]];
  return backend.runProgram(new Im2ColProgram(x!.dtype, x!.shape, a), [x!], outShape, x!.dtype);
});

registerKernel<WebGpuBackend>('webgpu', 'Col2Im', ({ inputs: [cols], attrs, backend }) => {
  const a = attrs as Col2ImAttrs;
  if (cols!.dtype === 'bool') throw new Error('Col2Im: webgpu kernel needs float32 or int32 columns, got bool');
  return backend.runProgram(new Col2ImProgram(cols!.dtype, a.shape, a), [cols!], a.shape, cols!.dtype);
});

registerKernel<WebGpuBackend>('webgpu', 'MaxPoolIndices', ({ inputs: [x], attrs, backend }) => {
  const a = attrs as MaxPoolIndicesAttrs;
  if (x!.dtype !== 'float32') throw new Error(`MaxPoolIndices: webgpu kernel needs float32 input, got ${x!.dtype}`);
  const [n, c] = x!.shape as [number, number];
  return backend.runProgram(new MaxPoolIndicesProgram(x!.shape, a), [x!], [n, c, ...a.outSize], 'int32');
});
