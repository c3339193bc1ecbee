/** @nn/clip: gradient clipping with PyTorch's semantics, computed on the device without readback. */
export { clipGradNorm, type ClipGradNormOptions } from './clip-grad-norm.js';
export { clipGradValue } from './clip-grad-value.js';
export { globalNorm } from './global-norm.js';
export type { NormType } from './norm.js';
export type { TensorOrTensors } from './params.js';
