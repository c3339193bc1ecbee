/**
 * @nn/schedulers — learning-rate and momentum schedulers with PyTorch's semantics (construction performs step 0,
 * the chainable recursive forms, `initialLr` in each param group, JSON state dicts), driving any optimizer with
 * `paramGroups: {lr, ...}[]`; plus pure `(step) => value` schedules in the style of optax. No dependencies.
 */
export type { OptimizerLike, ParamGroup, Scheduler, StateDict } from './types.js';
export { LRScheduler } from './lr-scheduler.js';

// Decay on a fixed timetable
export { StepLR, type StepLROptions } from './step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './multi-step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export { PolynomialLR, type PolynomialLROptions } from './polynomial-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './cosine-annealing-warm-restarts.js';

// Warmup
export { LinearLR, type LinearLROptions } from './linear-lr.js';
export { ConstantLR, type ConstantLROptions } from './constant-lr.js';

// User functions
export { LambdaLR, type LambdaLROptions } from './lambda-lr.js';
export { MultiplicativeLR, type MultiplicativeLROptions } from './multiplicative-lr.js';
export type { LrLambda } from './lr-lambdas.js';

// Per-batch cycles, with momentum
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export type { AnnealStrategy } from './one-cycle-phases.js';
export { CyclicLR, type CyclicLROptions, type CyclicLRMode, type CyclicLRScaleMode } from './cyclic-lr.js';

// Driven by a metric
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';

// Composition
export { SequentialLR, type SequentialLROptions } from './sequential-lr.js';
export { ChainedScheduler } from './chained-scheduler.js';

// Pure schedules
export {
  constantSchedule,
  linearSchedule,
  linearWarmupSchedule,
  polynomialSchedule,
  cosineDecaySchedule,
  warmupCosineDecaySchedule,
  exponentialDecaySchedule,
  stepSchedule,
  piecewiseConstantSchedule,
  oneCycleSchedule,
  joinSchedules,
  type Schedule,
  type PolynomialScheduleOptions,
  type LinearScheduleOptions,
  type LinearWarmupScheduleOptions,
  type CosineDecayScheduleOptions,
  type WarmupCosineDecayScheduleOptions,
  type ExponentialDecayScheduleOptions,
  type StepScheduleOptions,
  type PiecewiseConstantScheduleOptions,
  type OneCycleScheduleOptions,
} from './schedules.js';
