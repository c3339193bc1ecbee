/**
 * @nn/all: the whole library in one import, plus the training loop.
 *
 * Every package is re-exported flat — `import { tensor, Linear, AdamW, StepLR, DataLoader, clipGradNorm, fit }
 * from '@nn/all'` — except @nn/init, whose `zeros`/`ones` would shadow the tensor constructors: it is the
 * namespace `init` (`init.kaimingNormal(shape)`, `init.zeros(shape)`), and its initializers whose names clash with
 * nothing (`kaimingNormal`, `xavierUniform`, `calculateGain`, the in-place `kaimingNormal_`, `zeros_`, ...) are
 * exported flat as well. Two type names that two packages define are renamed here: @nn/schedulers' `StateDict` and
 * `ParamGroup` are `SchedulerStateDict` and `SchedulerParamGroup` (the flat `StateDict` is @nn/layers', `ParamGroup`
 * @nn/optim's).
 */
export * from '@nn/tensor';
export * from '@nn/autograd';
export * from '@nn/layers';
export * from '@nn/optim';
export * from '@nn/schedulers';
export * from '@nn/clip';
export * from '@nn/data';
export * as init from '@nn/init';
export {
  calculateGain, fanInFanOut, glorotNormal, glorotUniform, heNormal, heUniform, kaimingNormal, kaimingUniform, orthogonal,
  truncNormal, xavierNormal, xavierUniform,
  uniform_, normal_, truncNormal_, constant_, zeros_, ones_, xavierUniform_, xavierNormal_, kaimingUniform_, kaimingNormal_,
  orthogonal_,
} from '@nn/init';
export type { StateDict } from '@nn/layers';
export type { ParamGroup } from '@nn/optim';
export type { StateDict as SchedulerStateDict, ParamGroup as SchedulerParamGroup } from '@nn/schedulers';

export { fit } from './fit.js';
export { saveFile, loadFile, removeFile, listFiles, type FileSource } from './save-file.js';
export type { FitOptions, FitOptimizer, FitModel, FitLoader } from './fit-options.js';
export { evaluate, type EvaluateOptions, type Batch, type LossFn, type ModelLike } from './evaluate.js';
export type { History, EpochLogs, BatchLogs, Callback } from './history.js';
export { accuracy, type Metric, type MetricSpec } from './metrics.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { plotDiagnostics, plotHistory, type PlotOptions } from './plot.js';
export { plotCurves, type PlotCurvesOptions } from './plot-curves.js';
export { lossAlongLine, type LossAlongLine, type LossAlongLineOptions, type LineModel } from './loss-along-line.js';
export type { DiagnosticsSource } from './plot-diagnostics.js';
export {
  formatDiagnostics, recordDiagnostics, type DiagnosticsRecord, type LayerDiagnostics, type LayerFilter, type ParamDiagnostics,
  type RecordDiagnosticsOptions,
} from './diagnostics.js';
export { ActivationProbe, watchActivations, type WatchActivationsOptions } from './activation-probe.js';
export { TrainingDiagnostics, type TrainingDiagnosticsOptions } from './training-diagnostics.js';
export type { ProgressOutput } from './progress.js';
