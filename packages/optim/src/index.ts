/** @nn/optim: optimizers with PyTorch's update rules, parameter groups and state dicts. */
export {
  Optimizer,
  zerosState,
  type BaseHyper,
  type OptimizerConfig,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type ParamState,
} from './optimizer.js';
export type { TorchLayoutSpec, TorchOptimizerStateDict, TorchParamState, TorchStateByPosition } from './torch-layout.js';
export type {
  EncodedNumber,
  OptimizerStateDict,
  SerializedParamGroup,
  SerializedParamState,
  SerializedTensor,
  JsonOptimizerStateDict,
  StateKind,
  StateSpec,
} from './state-dict.js';
export { encodeValues, decodeValue } from './state-dict.js';
export type { Check, HyperSpec } from './hyper.js';
export { SGD, type SGDHyper, type SGDOptions, type SGDState } from './sgd.js';
export { Adam, type AdamHyper, type AdamOptions, type AdamState } from './adam.js';
export { AdamW, type AdamWHyper, type AdamWOptions, type AdamWState } from './adamw.js';
export { Adagrad, type AdagradHyper, type AdagradOptions, type AdagradState } from './adagrad.js';
export { RMSprop, type RMSpropHyper, type RMSpropOptions, type RMSpropState } from './rmsprop.js';
export { Adadelta, type AdadeltaHyper, type AdadeltaOptions, type AdadeltaState } from './adadelta.js';
export { Adamax, type AdamaxHyper, type AdamaxOptions, type AdamaxState } from './adamax.js';
export { NAdam, type NAdamHyper, type NAdamOptions, type NAdamState } from './nadam.js';
export { RAdam, type RAdamHyper, type RAdamOptions, type RAdamState } from './radam.js';
export { Lion, type LionHyper, type LionOptions, type LionState } from './lion.js';
export {
  GradScaler,
  type GradScalerOptions,
  type GradScalerStateDict,
  type ScalableOptimizer,
  type ScaleOutputs,
} from './grad-scaler.js';
