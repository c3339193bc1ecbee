/**
 * @nn/layers: modules, losses, safetensors I/O and save/load (the `torch.save` of a training loop) with PyTorch's names, defaults, numerics and state-dict keys.
 */
export {
  Module, type AnyModule, type StateDict, type StateDictOptions, type LoadStateDictOptions, type LoadStateDictResult,
  type BufferOptions, type ForwardHook, type ForwardPreHook,
} from './module.js';
export { Parameter, isParameter, type ParameterConstructor } from './parameter.js';
export { Linear, Dense, linear, type LinearOptions } from './linear.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch-norm.js';
export { GroupNorm, groupNorm, type GroupNormOptions, type GroupNormFunctionalOptions } from './group-norm.js';
export { LayerNorm, layerNorm, type LayerNormOptions, type LayerNormFunctionalOptions } from './layer-norm.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, type GELUOptions } from './activations.js';
export { Identity } from './identity.js';
export { Flatten, Unflatten } from './flatten.js';
export { Dropout, dropout, type DropoutOptions, type DropoutFunctionalOptions } from './dropout.js';
export { Sequential, type TensorModule } from './sequential.js';
export { Residual } from './residual.js';
export {
  conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions,
} from './conv/conv.js';
export {
  Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d,
  type Conv1dOptions, type Conv2dOptions, type ConvTranspose1dOptions, type ConvTranspose2dOptions,
} from './conv/conv-modules.js';
export { maxPool1d, maxPool2d, MaxPool1d, MaxPool2d, type MaxPoolOptions, type MaxPoolFunctionalOptions } from './conv/max-pool.js';
export { avgPool1d, avgPool2d, AvgPool1d, AvgPool2d, type AvgPoolOptions, type AvgPool2dOptions } from './conv/avg-pool.js';
export {
  adaptiveAvgPool1d, adaptiveAvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, type AdaptiveSize1, type AdaptiveSize2,
} from './conv/adaptive-avg-pool.js';
export type { PoolOptions } from './conv/pool-args.js';
export type { Size1, Size2 } from './conv/window-args.js';
export { ModuleList } from './module-list.js';
export { ModuleDict } from './module-dict.js';
export { Embedding, embedding, type EmbeddingOptions, type EmbeddingFunctionalOptions } from './embedding.js';

export type { Reduction } from './losses/reduction.js';
export { mseLoss, type MseLossOptions } from './losses/mse.js';
export { huberLoss, type HuberLossOptions } from './losses/huber.js';
export { binaryCrossEntropyWithLogits, type BinaryCrossEntropyWithLogitsOptions } from './losses/bce-with-logits.js';
export { nllLoss, type NllLossOptions } from './losses/nll.js';
export { crossEntropy, type CrossEntropyOptions } from './losses/cross-entropy.js';
export { Loss, MSELoss, HuberLoss, BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss } from './losses/loss-modules.js';

export { saveSafetensors, saveSafetensorsAsync, type SafetensorsMetadata } from './safetensors/save.js';
export {
  loadSafetensors, readSafetensorsHeader, type LoadSafetensorsOptions, type SafetensorsHeader, type SafetensorsTensorInfo,
} from './safetensors/load.js';
export type { SafetensorsDType } from './safetensors/dtypes.js';
export { save, saveAsync } from './save/save.js';
export { load, type LoadOptions } from './save/load.js';
export { savePt, savePtAsync } from './pt/save.js';
export { loadPt, type LoadPtOptions } from './pt/load.js';

export { RNNBase, type RNNOptions, type RNNWeights } from './rnn/rnn-base.js';
export { LSTM } from './rnn/lstm.js';
export { GRU } from './rnn/gru.js';
export { RNNCellBase, LSTMCell, GRUCell, type RNNCellOptions } from './rnn/cells.js';

export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from './attention/scaled-dot-product.js';
export {
  MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions,
} from './attention/multihead-attention.js';
export {
  TransformerEncoderLayer, type TransformerEncoderLayerOptions, type TransformerEncoderLayerForwardOptions,
  type TransformerActivation,
} from './attention/transformer-encoder-layer.js';
export { TransformerEncoder, type TransformerEncoderOptions, type TransformerEncoderForwardOptions } from './attention/transformer-encoder.js';

export { exportOnnx, type ExportOnnxOptions } from './onnx/export.js';
