/** @nn/tensor: tensors, ops, RNG, memory scopes and the CPU and WebGPU backends. */
export type {} from './dispose-symbol.js';
export type { DType, TypedArray } from './dtype.js';
export type { Backend, DataId, Device, KernelFunc, KernelArgs, MultiKernelFunc, TensorInfo } from './backend.js';
export { Tensor, type NestedArray } from './tensor.js';
export {
  TENSOR_FIRST_METHODS, VARIADIC_METHODS, type Dims, type VarOptions, type BackwardOptions, type TensorHook, type RemovableHandle,
} from './tensor-methods.js';
export { IN_PLACE_METHODS } from './in-place.js';
export { LeakDetector, type LeakDetectorOptions } from './leak-detector.js';
export { warmup, type WarmupOptions, type WarmupResult, type Stateful } from './warmup.js';
export * from './kernels.js';
export { describeValue, isPlainObject, checkOptions } from './validate.js';
export * from './ops/index.js';
export {
  engine, tidy, keep, dispose, memory, setBackend, initBackend, getBackend, disposeBackend,
  type MemoryInfo, type KernelListener, type GraphRetainer, type InPlaceHook,
} from './engine.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from './random/generator.js';
export { setNumThreads, getNumThreads } from './backends/cpu/threads/num-threads.js';
export { registerKernel, getKernel, hasKernel, kernelNames } from './kernel-registry.js';
export { broadcastShapes, normalizeDim, normalizeDims, sizeOf, stridesOf, shapesEqual, fmtShape, reducedShape } from './shape.js';
export { promoteTypes, isFloating } from './dtype.js';
export { autocast, autocastOp, withRestore, isAutocastEnabled, getAutocastDtype, type AutocastOptions, type AutocastList } from './autocast.js';
export { FLOAT16_MAX, roundToHalf, toHalfBits, fromHalfBits, encodeHalf, decodeHalf } from './float16.js';
import './in-place.js';
import './backends/cpu/register.js';
import './backends/webgpu/register.js';
