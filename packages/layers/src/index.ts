/**
 * @nn/layers: modules, losses and safetensors I/O with PyTorch's names, defaults, numerics and state-dict keys.
 */
export {
  Module, type AnyModule, type StateDict, type StateDictOptions, type LoadStateDictOptions, type LoadStateDictResult,
  type BufferOptions,
} from './module.js';
export { Linear, Dense, linear, type LinearOptions } from './linear.js';
export { BatchNorm1d, type BatchNormOptions } from './batch-norm.js';
export { LayerNorm, layerNorm, type LayerNormOptions, type LayerNormFunctionalOptions } from './layer-norm.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, type GELUOptions } from './activations.js';
export { Identity } from './identity.js';
export { Flatten } from './flatten.js';
export { Dropout, dropout, type DropoutOptions, type DropoutFunctionalOptions } from './dropout.js';
export { Sequential, type TensorModule } from './sequential.js';
export { Residual } from './residual.js';

export type { Reduction } from './losses/reduction.js';
export { mseLoss, type MseLossOptions } from './losses/mse.js';
export { huberLoss, type HuberLossOptions } from './losses/huber.js';
export { binaryCrossEntropyWithLogits, type BinaryCrossEntropyWithLogitsOptions } from './losses/bce-with-logits.js';
export { nllLoss, type NllLossOptions } from './losses/nll.js';
export { crossEntropy, type CrossEntropyOptions } from './losses/cross-entropy.js';

export { saveSafetensors, saveSafetensorsAsync, type SafetensorsMetadata } from './safetensors/save.js';
export {
  loadSafetensors, readSafetensorsHeader, type LoadSafetensorsOptions, type SafetensorsHeader, type SafetensorsTensorInfo,
} from './safetensors/load.js';
export type { SafetensorsDType } from './safetensors/dtypes.js';
