/**
 * Layers exported as one ONNX op each rather than as the kernels their forward runs: Linear (Gemm, or MatMul +
 * Add), Conv1d/Conv2d (Conv), ConvTranspose1d/2d (ConvTranspose), MaxPool1d/2d (MaxPool), AvgPool1d/2d
 * without ceil mode (AveragePool), AdaptiveAvgPool to size 1 (GlobalAveragePool), BatchNorm1d/2d in eval mode
 * (BatchNormalization), LayerNorm (LayerNormalization, opset ≥ 17) and Softmax (Softmax). This is what runtimes optimise and
 * what a reader of the graph expects; the kernel mapping stays the fallback for every other case (unbatched
 * inputs, BatchNorm using batch statistics, older opsets, the functional forms).
 */
import { Softmax } from '../activations.js';
import { BatchNorm1d, BatchNorm2d } from '../batch-norm.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d } from '../conv/adaptive-avg-pool.js';
import { AvgPool1d, AvgPool2d } from '../conv/avg-pool.js';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from '../conv/conv-modules.js';
import { MaxPool1d, MaxPool2d } from '../conv/max-pool.js';
import { LayerNorm } from '../layer-norm.js';
import { Linear } from '../linear.js';
import type { AnyModule } from '../module.js';
import type { Tensor } from '@nn/tensor';
import { float, type Attr } from './graph.js';
import type { EmitContext } from './kernel-ops.js';

/** Emits a module's op: `x` is the input's value name, `value(t)` the name of a tensor (a parameter's initializer). */
export type ModuleEmitter = (ctx: EmitContext, x: string, input: Tensor, value: (t: Tensor) => string) => string;

function linear(m: Linear): ModuleEmitter {
  return (ctx, x, input, value) => {
    const { g } = ctx;
    const w = value(m.weight);
    if (input.rank === 2) return g.op('Gemm', m.bias ? [x, w, value(m.bias)] : [x, w], { transB: 1 });
    const y = g.op('MatMul', [x, g.op('Transpose', [w], { perm: [1, 0] })]);
    return m.bias ? g.op('Add', [y, value(m.bias)]) : y;
  };
}

/** PyTorch's padding='same': the total d·(k − 1) split with the odd one after. */
function samePads(kernel: number[], dilation: number[]): number[] {
  const total = kernel.map((k, i) => dilation[i]! * (k - 1));
  const before = total.map((t) => Math.floor(t / 2));
  return [...before, ...total.map((t, i) => t - before[i]!)];
}

function conv(m: Conv1d | Conv2d | ConvTranspose1d | ConvTranspose2d): ModuleEmitter {
  return (ctx, x, _input, value) => {
    const transposed = m instanceof ConvTranspose1d || m instanceof ConvTranspose2d;
    const padding = m.padding;
    const pads = padding === 'same' ? samePads(m.kernelSize, m.dilation) : padding === 'valid' ? [...m.kernelSize, ...m.kernelSize].map(() => 0) : [...padding, ...padding];
    const attrs: Record<string, Attr> = { kernel_shape: m.kernelSize, strides: m.stride, dilations: m.dilation, group: m.groups, pads };
    if (transposed) attrs.output_padding = m.outputPadding;
    const inputs = [x, value(m.weight), ...(m.bias ? [value(m.bias)] : [])];
    return ctx.g.op(transposed ? 'ConvTranspose' : 'Conv', inputs, attrs);
  };
}

function batchNorm(m: BatchNorm1d | BatchNorm2d): ModuleEmitter {
  return (ctx, x, _input, value) => {
    const c = m.numFeatures;
    const scale = m.weight ? value(m.weight) : ctx.g.constant('float32', new Array<number>(c).fill(1));
    const shift = m.bias ? value(m.bias) : ctx.g.constant('float32', new Array<number>(c).fill(0));
    return ctx.g.op('BatchNormalization', [x, scale, shift, value(m.runningMean!), value(m.runningVar!)], { epsilon: float(m.eps) });
  };
}

function layerNorm(m: LayerNorm): ModuleEmitter {
  return (ctx, x, _input, value) => {
    const shape = m.normalizedShape;
    const scale = m.weight ? value(m.weight) : ctx.g.constant('float32', new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
    const inputs = [x, scale, ...(m.bias ? [value(m.bias)] : [])];
    return ctx.g.op('LayerNormalization', inputs, { axis: -shape.length, epsilon: float(m.eps) });
  };
}

/** What the pooling layers keep in their (protected) settings: every size in 2-d form, [1, k] for 1-d layers. */
interface PoolLayerState {
  settings: { kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number]; ceilMode: boolean };
  options: { countIncludePad?: boolean; divisorOverride?: number | null };
}

/** The pooling attributes for an input of `rank` (3: 1-d, the second of each pair). */
function poolAttrs(m: PoolLayerState, rank: number, withDilation: boolean): Record<string, Attr> {
  const { kernel, stride, padding, dilation } = m.settings;
  const pick = (p: [number, number]) => (rank === 3 ? [p[1]] : p.slice());
  const attrs: Record<string, Attr> = { kernel_shape: pick(kernel), strides: pick(stride), pads: [...pick(padding), ...pick(padding)] };
  if (withDilation) attrs.dilations = pick(dilation);
  return attrs;
}

function maxPool(m: PoolLayerState): ModuleEmitter {
  return (ctx, x, input) => ctx.g.op('MaxPool', [x], poolAttrs(m, input.rank, true));
}

function avgPool(m: PoolLayerState): ModuleEmitter {
  return (ctx, x, input) =>
    ctx.g.op('AveragePool', [x], { ...poolAttrs(m, input.rank, false), count_include_pad: m.options.countIncludePad ?? true ? 1 : 0 });
}

/** The single-op emitter for `m` called with `args`, or undefined where the traced kernels are exported instead. */
export function moduleEmitter(m: AnyModule, args: readonly unknown[], ctx: EmitContext): ModuleEmitter | undefined {
  const x = args[0] as Tensor | undefined;
  if (args.length !== 1 || x?.dtype !== 'float32') return undefined;
  if (m instanceof Linear) return x.rank >= 2 ? linear(m) : undefined;
  if (m instanceof Conv1d || m instanceof ConvTranspose1d) return x.rank === 3 ? conv(m) : undefined;
  if (m instanceof Conv2d || m instanceof ConvTranspose2d) return x.rank === 4 ? conv(m) : undefined;
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) return !m.training && m.runningMean && m.runningVar && x.rank >= 2 ? batchNorm(m) : undefined;
  if (m instanceof LayerNorm) return ctx.opset >= 17 ? layerNorm(m) : undefined;
  if (m instanceof Softmax) return x.rank > 0 ? (c, input) => c.g.op('Softmax', [input], { axis: m.dim }) : undefined;
  const batched = x.rank === (m instanceof MaxPool1d || m instanceof AvgPool1d || m instanceof AdaptiveAvgPool1d ? 3 : 4);
  // Ceil mode: PyTorch drops a last window that starts in the right padding, which ONNX's ceil_mode does not
  // promise; the traced kernels give PyTorch's grid.
  if (m instanceof MaxPool1d || m instanceof MaxPool2d) {
    const state = m as unknown as PoolLayerState;
    return batched && !state.settings.ceilMode ? maxPool(state) : undefined;
  }
  if (m instanceof AvgPool1d || m instanceof AvgPool2d) {
    const state = m as unknown as PoolLayerState;
    return batched && !state.settings.ceilMode && (state.options.divisorOverride ?? null) === null ? avgPool(state) : undefined;
  }
  if (m instanceof AdaptiveAvgPool1d || m instanceof AdaptiveAvgPool2d) {
    const size = m.outputSize;
    const global = typeof size === 'number' ? size === 1 : size.every((v) => v === 1);
    return batched && global ? (ctx2, input) => ctx2.g.op('GlobalAveragePool', [input]) : undefined;
  }
  return undefined;
}
