/**
 * AdamStep and SgdStep (see kernels.ts) on WebGPU: one program per output (the parameter, the moments or the
 * momentum buffer), each recomputing the update for its element — a few dispatches instead of the composite's
 * dozen. f32 arithmetic in the composite's order; a GPU may round √ and ÷ differently from the CPU.
 */
import { registerKernel } from '../../../kernel-registry.js';
import type { AdamStepAttrs, SgdStepAttrs } from '../../../kernels.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { f32Bits, FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, flatDispatch, type Program } from '../program.js';

const OUTPUTS = ['param', 'expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;

/**
 * What both updates' programs share: one invocation per element of n, the float32 scalars as uniforms 1…k
 * (uniform 0 is n), and a shader key from the op, the output and the flags that change the WGSL.
 */
abstract class UpdateProgram implements Program {
  readonly workgroupSize = [FLAT_WORKGROUP, 1, 1] as const;
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];
  readonly shaderKey: string;

  constructor(n: number, scalars: number[], op: string, output: string | number, flags: boolean[]) {
    this.uniforms = [n, ...scalars.map(f32Bits)];
    this.dispatch = flatDispatch(Math.ceil(n / FLAT_WORKGROUP));
    this.shaderKey = `${op}:${output}:${flags.map(Number).join('')}`;
  }

  abstract getUserCode(): string;
}

class AdamStepProgram extends UpdateProgram {
  constructor(
    n: number,
    private readonly a: AdamStepAttrs,
    private readonly output: number,
  ) {
    // Uniforms: [n, β1, β2, 1 − β1, 1 − β2, −stepSize, biasCorrection2Sqrt, eps, weightDecay, decay]
    super(
      n, [a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, -a.stepSize, a.biasCorrection2Sqrt, a.eps, a.weightDecay, a.decay], 'adamStep', OUTPUTS[output]!,
      [a.maximize, a.amsgrad, a.weightDecay !== 0, a.weightDecay === 1, a.decay !== 1, 1 - a.beta1 === 1, 1 - a.beta2 === 1, a.stepSize === -1],
    );
  }

  getUserCode(): string {
    const a = this.a;
    const uf = (k: number) => `bitcast<f32>(u(${k}u))`;
    const result = ['theta + step / denom', 'mi', 'vi', 'second'][this.output];
    return `
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  if (i >= u(0u)) { return; }
  var theta = in0[i];
  ${a.decay !== 1 ? `theta = theta * ${uf(9)};` : ''}
  var d = ${a.maximize ? '-in1[i]' : 'in1[i]'};
  ${a.weightDecay !== 0 ? `d = d + ${a.weightDecay === 1 ? 'theta' : `theta * ${uf(8)}`};` : ''}
  let mi = in2[i] * ${uf(1)} + ${1 - a.beta1 === 1 ? 'd' : `d * ${uf(3)}`};
  let vi = in3[i] * ${uf(2)} + (${1 - a.beta2 === 1 ? 'd' : `d * ${uf(4)}`}) * d;
  let second = ${a.amsgrad ? 'max(in4[i], vi)' : 'vi'};
  let denom = sqrt(second) / ${uf(6)} + ${uf(7)};
  let step = ${a.stepSize === -1 ? 'mi' : `${uf(5)} * mi`};
  out[i] = ${result};
}`;
  }
}

registerKernel<WebGpuBackend>('webgpu', 'AdamStep', ({ inputs, attrs, backend }) => {
  const a = attrs as AdamStepAttrs;
  const n = inputs[0]!.shape.reduce((p, d) => p * d, 1);
  const count = a.amsgrad ? 4 : 3;
  return Array.from({ length: count }, (_, k) => backend.runProgram(new AdamStepProgram(n, a, k), inputs, inputs[0]!.shape, 'float32'));
});

class SgdStepProgram extends UpdateProgram {
  constructor(
    n: number,
    private readonly a: SgdStepAttrs,
    private readonly hasBuffer: boolean,
    private readonly output: number,
  ) {
    // Uniforms: [n, −lr, weightDecay, momentum, 1 − dampening]
    super(
      n, [-a.lr, a.weightDecay, a.momentum, 1 - a.dampening], 'sgdStep', output,
      [a.maximize, a.weightDecay !== 0, a.weightDecay === 1, a.momentum !== 0, hasBuffer, a.nesterov, 1 - a.dampening === 1, a.momentum === 1, -a.lr === 1],
    );
  }

  getUserCode(): string {
    const a = this.a;
    const uf = (k: number) => `bitcast<f32>(u(${k}u))`;
    const momentum = a.momentum !== 0;
    return `
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  if (i >= u(0u)) { return; }
  let theta = in0[i];
  var d = ${a.maximize ? '-in1[i]' : 'in1[i]'};
  ${a.weightDecay !== 0 ? `d = d + ${a.weightDecay === 1 ? 'theta' : `theta * ${uf(2)}`};` : ''}
  ${momentum ? `let b = ${this.hasBuffer ? `in2[i] * ${uf(3)} + ${1 - a.dampening === 1 ? 'd' : `d * ${uf(4)}`}` : 'd'};` : ''}
  ${momentum ? `d = ${a.nesterov ? `d + ${a.momentum === 1 ? 'b' : `b * ${uf(3)}`}` : 'b'};` : ''}
  out[i] = ${this.output === 1 ? 'b' : `theta + ${-a.lr === 1 ? 'd' : `d * ${uf(1)}`}`};
}`;
  }
}

registerKernel<WebGpuBackend>('webgpu', 'SgdStep', ({ inputs, attrs, backend }) => {
  const a = attrs as SgdStepAttrs;
  const n = inputs[0]!.shape.reduce((p, d) => p * d, 1);
  const count = a.momentum !== 0 ? 2 : 1;
  return Array.from({ length: count }, (_, k) => backend.runProgram(new SgdStepProgram(n, a, inputs.length > 2, k), inputs, inputs[0]!.shape, 'float32'));
});
