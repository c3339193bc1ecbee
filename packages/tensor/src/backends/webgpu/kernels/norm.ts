/**
 * The normalisation kernels (see kernels.ts): Moments, ScaleShift and SumProduct over an input viewed as
 * [A, C, B], per C. Moments and SumProduct give each C a workgroup whose threads stride through its A·B
 * elements and combine in shared memory (a tree); ScaleShift is one thread per element. Sizes travel as
 * uniforms, so one pipeline per kernel serves every shape. GPUs have no float64: the sums are float32 (the
 * CPU's are float64), and the variance is taken around the mean in a second pass, as on the CPU.
 */
import { registerKernel } from '../../../kernel-registry.js';
import type { ChannelViewAttrs } from '../../../kernels.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, GROUP_INDEX, GROUP_MAIN_ARGS, flatDispatch, type Program } from '../program.js';

const GROUP = 64;

/** WGSL that sums `term(p)` over the A·B elements p of channel `ch` into `total` (all threads of the group see it). */
function groupSum(name: string, term: (p: string) => string): string {
  return `
  var ${name}_acc = 0.0;
  for (var r = lidx; r < a * b; r += ${GROUP}u) {
    let p = ((r / b) * c + ch) * b + r % b;
    ${name}_acc = ${name}_acc + ${term('p')};
  }
  partial[lidx] = ${name}_acc;
  workgroupBarrier();
  for (var s = ${GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lidx < s) { partial[lidx] = partial[lidx] + partial[lidx + s]; }
    workgroupBarrier();
  }
  let ${name} = partial[0];
  workgroupBarrier();`;
}

/** Uniform layout shared by the three: [A, C, B]. */
abstract class ChannelProgram implements Program {
  abstract readonly shaderKey: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];

  constructor(view: readonly number[], perElement: boolean) {
    this.uniforms = view.slice();
    this.workgroupSize = [perElement ? FLAT_WORKGROUP : GROUP, 1, 1];
    this.dispatch = flatDispatch(perElement ? Math.ceil((view[0]! * view[1]! * view[2]!) / FLAT_WORKGROUP) : view[1]!);
  }

  /** A reduction program's frame: one workgroup per channel `ch`. */
  protected grouped(body: string): string {
    return `
var<workgroup> partial: array<f32, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(${GROUP_MAIN_ARGS}) {
  let a = u(0u); let c = u(1u); let b = u(2u);
  let ch = ${GROUP_INDEX};
  if (ch >= c) { return; }${body}
}`;
  }

  abstract getUserCode(): string;
}

/** out[ch] = mean, out[C + ch] = Σ(x − mean)² / (A·B). */
class MomentsProgram extends ChannelProgram {
  readonly shaderKey = 'moments';
  getUserCode(): string {
    return this.grouped(`${groupSum('total', (p) => `in0[${p}]`)}
  let mean = total / f32(a * b);${groupSum('sq', (p) => `(in0[${p}] - mean) * (in0[${p}] - mean)`)}
  if (lidx == 0u) { out[ch] = mean; out[c + ch] = sq / f32(a * b); }`);
  }
}

/** out[ch] = Σ in0·in1 over channel ch. */
class SumProductProgram extends ChannelProgram {
  readonly shaderKey = 'sumProduct';
  getUserCode(): string {
    return this.grouped(`${groupSum('total', (p) => `in0[${p}] * in1[${p}]`)}
  if (lidx == 0u) { out[ch] = total; }`);
  }
}

/** out[p] = x[p]·scale[ch] + shift[ch], ch = (p / B) % C. */
class ScaleShiftProgram extends ChannelProgram {
  readonly shaderKey = 'scaleShift';
  getUserCode(): string {
    return `
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  if (i >= u(0u) * u(1u) * u(2u)) { return; }
  let ch = (i / u(2u)) % u(1u);
  out[i] = in0[i] * in1[ch] + in2[ch];
}`;
  }
}

registerKernel<WebGpuBackend>('webgpu', 'Moments', ({ inputs: [x], attrs, backend }) => {
  const { view } = attrs as ChannelViewAttrs;
  return backend.runProgram(new MomentsProgram(view, false), [x!], [2, view[1]], 'float32');
});

registerKernel<WebGpuBackend>('webgpu', 'SumProduct', ({ inputs: [x, y], attrs, backend }) => {
  const { view } = attrs as ChannelViewAttrs;
  return backend.runProgram(new SumProductProgram(view, false), [x!, y!], [view[1]], 'float32');
});

registerKernel<WebGpuBackend>('webgpu', 'ScaleShift', ({ inputs: [x, scale, shift], attrs, backend }) => {
  const { view } = attrs as ChannelViewAttrs;
  return backend.runProgram(new ScaleShiftProgram(view, true), [x!, scale!, shift!], x!.shape, 'float32');
});
