/**
 * A parameter group as a scheduler sees it: the learning rate plus whatever hyperparameters the optimizer keeps
 * (`momentum`, `betas`, ...). Schedulers write `lr`, PyTorch's bookkeeping keys (`initialLr`, and for OneCycleLR
 * `maxLr`, `minLr`, `maxMomentum`, `baseMomentum`) and, when cycling momentum, `momentum` or `betas[0]`.
 */
export interface ParamGroup {
  lr: number;
  [key: string]: unknown;
}

/**
 * Anything with PyTorch-style param groups. This is all a scheduler needs, so @nn/schedulers depends on no
 * optimizer package: an @nn/optim optimizer, or a plain `{ paramGroups: [{ lr: 0.1 }] }`, both work.
 * `defaults`, when present, decides (as in PyTorch) whether the optimizer has `momentum` or `betas` to cycle.
 */
export interface OptimizerLike {
  readonly paramGroups: ReadonlyArray<{ lr: number }>;
  readonly defaults?: object;
}

/** A scheduler's state: plain JSON data (numbers, strings, booleans, arrays, objects); functions are not saved. */
export type StateDict = Record<string, unknown>;

/**
 * What every epoch- or batch-driven scheduler offers (all of them except ReduceLROnPlateau, whose `step` needs
 * a metric). `lastEpoch` counts the steps taken; construction performs step 0.
 */
export interface Scheduler {
  readonly optimizer: OptimizerLike;
  readonly lastEpoch: number;
  /** Advances one epoch (or batch) and writes the new learning rates into the optimizer's param groups. */
  step(): void;
  /** The learning rates the last `step()` set, one per param group. */
  getLastLr(): number[];
  /** The state as JSON-like data, in our layout or (`{format: 'torch'}`) PyTorch's. */
  stateDict(options?: { format?: 'nn' | 'torch' }): StateDict;
  /** Restores a state dict in either layout. */
  loadStateDict(state: StateDict): void;
}
