/**
 * Dynamic loss scaling with the semantics of PyTorch's `torch.cuda.amp.GradScaler` (1.13).
 *
 * Small gradients underflow to zero in float16; multiplying the loss by a large scale S before backward lifts
 * them into range, and dividing the gradients by S before the optimizer step restores their values. Too large
 * an S overflows to inf/NaN instead, so S is adjusted as training runs: a step whose gradients hold any inf or
 * NaN is skipped and S is multiplied by `backoffFactor`; after `growthInterval` clean steps in a row S is
 * multiplied by `growthFactor`.
 *
 * Where the device is read: `unscale_` checks the gradients on their device into one found-inf flag per
 * optimizer (no readback, however many parameters); `step` reads that one flag to decide whether to call
 * `optimizer.step()` — a synchronous read, so on WebGPU use `await scaler.stepAsync(optimizer)`. `update` uses
 * the flags `step` read and reads none itself unless `unscale_` ran without a `step` (then `updateAsync` on
 * WebGPU). The scale and the growth tracker live on the host as numbers (the scale rounded to float32 as
 * PyTorch's float32 tensor holds it), so `getScale()` never reads the device.
 */
import { Tensor, add, dispose, div, keep, mul, sum, tidy } from '@nn/tensor';
import { fmt } from './hyper.js';

export interface GradScalerOptions {
  /** The scale before any update (default 2¹⁶). */
  initScale?: number;
  /** Factor applied after `growthInterval` clean steps in a row (default 2; must be > 1). */
  growthFactor?: number;
  /** Factor applied after a step with inf/NaN gradients (default 0.5; must be in (0, 1)). */
  backoffFactor?: number;
  /** Clean steps in a row before the scale grows (default 2000). */
  growthInterval?: number;
  /** With false, `scale` returns its input, `step` just calls `optimizer.step()`, and the rest do nothing (default true). */
  enabled?: boolean;
}

/** `stateDict()` of an enabled scaler, with PyTorch's keys (an empty object when disabled). */
export interface GradScalerStateDict {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

/** What the scaler needs of an optimizer: the parameters whose gradients it unscales, and `step`. */
export interface ScalableOptimizer {
  readonly paramGroups: readonly { readonly params: readonly Tensor[] }[];
  step(...args: never[]): unknown;
}

/** Tensors, or arrays of them nested to any depth, as `scale` takes and returns. */
export type ScaleOutputs = Tensor | readonly ScaleOutputs[];

type Stage = 'ready' | 'unscaled' | 'stepped';

interface OptimizerRecord {
  stage: Stage;
  /** Sum over the gradients of sum(g · 0): 0 when all are finite, NaN otherwise; null when no parameter has a gradient. */
  flag: Tensor | null;
  /** The flag, once read. */
  foundInf?: boolean;
}

const OPTION_NAMES = ['initScale', 'growthFactor', 'backoffFactor', 'growthInterval', 'enabled'];

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** Problems with each setting, as the tail of an error message (undefined when acceptable). */
const CHECKS = {
  initScale: (k: string, v: unknown) => (isNum(v) && v > 0 && Number.isFinite(v) ? undefined : `${k} must be a positive finite number, got ${fmt(v)}`),
  growthFactor: (k: string, v: unknown) => (isNum(v) && v > 1 && Number.isFinite(v) ? undefined : `${k} must be a finite number > 1, got ${fmt(v)}`),
  backoffFactor: (k: string, v: unknown) => (isNum(v) && v > 0 && v < 1 ? undefined : `${k} must be in (0, 1), got ${fmt(v)}`),
  growthInterval: (k: string, v: unknown) => (Number.isInteger(v) && (v as number) >= 1 ? undefined : `${k} must be a positive integer, got ${fmt(v)}`),
};

function check(op: string, key: keyof typeof CHECKS, value: unknown, name: string = key): void {
  const problem = CHECKS[key](name, value);
  if (problem !== undefined) throw new Error(`${op}: ${problem}`);
}

/**
 * Scales losses and unscales gradients with a dynamically adjusted factor (PyTorch's GradScaler):
 *
 * ```ts
 * const scaler = new GradScaler();
 * for (const [x, y] of loader) {
 *   opt.zeroGrad();
 *   scaler.scale(lossFn(model.forward(x), y)).backward();
 *   scaler.step(opt); // unscales the gradients; skips opt.step() if any is inf/NaN
 *   scaler.update(); // backs off after a skipped step, grows after growthInterval clean ones
 * }
 * ```
 */
export class GradScaler {
  #enabled: boolean;
  #scale: number;
  #growthFactor: number;
  #backoffFactor: number;
  #growthInterval: number;
  #growthTracker = 0;
  /** Set by the first `scale()`: PyTorch's scaler refuses unscale_/step/update before it. */
  #started = false;
  #records = new Map<ScalableOptimizer, OptimizerRecord>();

  constructor(options: GradScalerOptions = {}) {
    const op = 'GradScaler';
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw new Error(`${op}: options must be an object, got ${fmt(options)}`);
    for (const k of Object.keys(options))
      if (!OPTION_NAMES.includes(k)) throw new Error(`${op}: unknown option '${k}' (options: ${OPTION_NAMES.join(', ')})`);
    const { initScale = 2 ** 16, growthFactor = 2, backoffFactor = 0.5, growthInterval = 2000, enabled = true } = options;
    check(op, 'initScale', initScale);
    check(op, 'growthFactor', growthFactor);
    check(op, 'backoffFactor', backoffFactor);
    check(op, 'growthInterval', growthInterval);
    if (typeof enabled !== 'boolean') throw new Error(`${op}: enabled must be a boolean, got ${fmt(enabled)}`);
    this.#enabled = enabled;
    this.#scale = Math.fround(initScale);
    this.#growthFactor = growthFactor;
    this.#backoffFactor = backoffFactor;
    this.#growthInterval = growthInterval;
  }

  /**
   * Multiplies a tensor, or every tensor of a (nested) array, by the current scale; the product is recorded by
   * autograd, so `scaler.scale(loss).backward()` gives gradients multiplied by the scale. Disabled: returns
   * `outputs` itself.
   */
  scale<T extends ScaleOutputs>(outputs: T): T {
    if (!this.#enabled) return outputs;
    const apply = (v: unknown): ScaleOutputs => {
      if (v instanceof Tensor) return mul(v, this.#scale);
      if (Array.isArray(v)) return v.map(apply);
      throw new Error(`GradScaler.scale: outputs must be a Tensor or an array of Tensors, got ${fmt(v)}`);
    };
    const scaled = apply(outputs) as T;
    this.#started = true;
    return scaled;
  }

  /**
   * Divides the gradients of `optimizer`'s parameters by the scale, in place, and records (on their device)
   * whether any of them held inf or NaN before the division. Optional: `step` does it when it was not done;
   * call it to work with the true gradients before `step` (to clip them, say). Once per optimizer per `update()`.
   */
  unscale_(optimizer: ScalableOptimizer): void {
    if (!this.#enabled) return;
    this.#unscale('GradScaler.unscale_', optimizer);
  }

  /**
   * Unscales `optimizer`'s gradients unless `unscale_` already did, then calls `optimizer.step(...args)` and
   * returns its result — or, when any gradient held inf or NaN, skips the step (the parameters and the
   * optimizer's state stay as they were) and returns undefined. Reads the one found-inf flag synchronously:
   * CPU only; on WebGPU use `stepAsync`. Disabled: just `optimizer.step(...args)`.
   */
  step(optimizer: ScalableOptimizer, ...args: unknown[]): unknown {
    if (!this.#enabled) return optimizer.step(...(args as never[]));
    const op = 'GradScaler.step';
    const record = this.#prepareStep(op, optimizer, args);
    return this.#finishStep(optimizer, record, this.#readSync(op, record, 'await scaler.stepAsync(optimizer)'), args);
  }

  /** `step` for any device: awaits the read of the found-inf flag (the only read of the step). */
  async stepAsync(optimizer: ScalableOptimizer, ...args: unknown[]): Promise<unknown> {
    if (!this.#enabled) return optimizer.step(...(args as never[]));
    const record = this.#prepareStep('GradScaler.stepAsync', optimizer, args);
    return this.#finishStep(optimizer, record, await this.#readAsync(record), args);
  }

  /**
   * Ends the iteration: with `newScale`, sets the scale to it; otherwise multiplies the scale by
   * `backoffFactor` if any optimizer's gradients held inf/NaN this iteration (and resets the growth tracker),
   * or counts a clean step and, at `growthInterval` of them, multiplies the scale by `growthFactor` (unless
   * that overflows float32) and resets the count. Reads only flags `step` did not (after `unscale_` without
   * `step`), synchronously: on WebGPU use `updateAsync` then.
   */
  update(newScale?: number): void {
    if (!this.#enabled) return;
    const op = 'GradScaler.update';
    this.#beginUpdate(op, newScale);
    const found = newScale === undefined ? this.#flags(op).map((r) => this.#readSync(op, r, 'await scaler.updateAsync()')) : [];
    this.#finishUpdate(newScale, found);
  }

  /** `update` for any device: awaits the flags that `step` did not read. */
  async updateAsync(newScale?: number): Promise<void> {
    if (!this.#enabled) return;
    const op = 'GradScaler.updateAsync';
    this.#beginUpdate(op, newScale);
    const found = newScale === undefined ? await Promise.all(this.#flags(op).map((r) => this.#readAsync(r))) : [];
    this.#finishUpdate(newScale, found);
  }

  /** The current scale (1 when disabled). Never reads the device. */
  getScale(): number {
    return this.#enabled ? this.#scale : 1;
  }

  getGrowthFactor(): number {
    return this.#growthFactor;
  }

  setGrowthFactor(factor: number): void {
    check('GradScaler.setGrowthFactor', 'growthFactor', factor, 'factor');
    this.#growthFactor = factor;
  }

  getBackoffFactor(): number {
    return this.#backoffFactor;
  }

  setBackoffFactor(factor: number): void {
    check('GradScaler.setBackoffFactor', 'backoffFactor', factor, 'factor');
    this.#backoffFactor = factor;
  }

  getGrowthInterval(): number {
    return this.#growthInterval;
  }

  setGrowthInterval(interval: number): void {
    check('GradScaler.setGrowthInterval', 'growthInterval', interval, 'interval');
    this.#growthInterval = interval;
  }

  isEnabled(): boolean {
    return this.#enabled;
  }

  /**
   * The scale, factors, interval and growth tracker under PyTorch's keys (JSON-serialisable; a dict saved by
   * PyTorch's `scaler.state_dict()` loads here and vice versa). Empty when disabled. Take it after `update()`.
   */
  stateDict(): GradScalerStateDict | Record<string, never> {
    if (!this.#enabled) return {};
    return {
      scale: this.#scale,
      growth_factor: this.#growthFactor,
      backoff_factor: this.#backoffFactor,
      growth_interval: this.#growthInterval,
      _growth_tracker: this.#growthTracker,
    };
  }

  /** Restores a `stateDict()`, checking every entry before changing anything. A no-op when disabled. */
  loadStateDict(stateDict: GradScalerStateDict): void {
    if (!this.#enabled) return;
    const op = 'GradScaler.loadStateDict';
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict))
      throw new Error(`${op}: stateDict must be an object, got ${fmt(stateDict)}`);
    if (Object.keys(stateDict).length === 0)
      throw new Error(`${op}: the source state dict is empty, possibly because it was saved from a disabled instance of GradScaler`);
    const sd = stateDict as unknown as Record<string, unknown>;
    check(op, 'initScale', sd.scale, 'scale');
    check(op, 'growthFactor', sd.growth_factor, 'growth_factor');
    check(op, 'backoffFactor', sd.backoff_factor, 'backoff_factor');
    check(op, 'growthInterval', sd.growth_interval, 'growth_interval');
    const tracker = sd._growth_tracker;
    if (!Number.isInteger(tracker) || (tracker as number) < 0)
      throw new Error(`${op}: _growth_tracker must be a non-negative integer, got ${fmt(tracker)}`);
    this.#scale = Math.fround(stateDict.scale);
    this.#growthFactor = stateDict.growth_factor;
    this.#backoffFactor = stateDict.backoff_factor;
    this.#growthInterval = stateDict.growth_interval;
    this.#growthTracker = tracker as number;
  }

  #record(optimizer: ScalableOptimizer): OptimizerRecord {
    let record = this.#records.get(optimizer);
    if (record === undefined) this.#records.set(optimizer, (record = { stage: 'ready', flag: null }));
    return record;
  }

  #checkStarted(op: string): void {
    if (!this.#started)
      throw new Error(`${op}: scale() has not been called yet. This may indicate your script did not use scaler.scale(loss) earlier in the iteration`);
  }

  #unscale(op: string, optimizer: ScalableOptimizer): void {
    this.#checkStarted(op);
    const record = this.#record(optimizer);
    if (record.stage === 'unscaled') throw new Error(`${op}: unscale_() has already been called on this optimizer since the last update()`);
    if (record.stage === 'stepped') throw new Error(`${op}: unscale_() is being called after step()`);
    const grads = gradsOf(op, optimizer);
    // PyTorch takes the reciprocal in double precision, then rounds it to float32. Above 2¹²⁶ that reciprocal is
    // subnormal, which GPUs may flush to zero (zeroing every gradient), so there the scale divides instead: the
    // same values for the power-of-two scales that growth and backoff produce.
    const invScale = Math.fround(1 / this.#scale);
    const unscale = invScale < 2 ** -126 ? (g: Tensor) => div(g, this.#scale) : (g: Tensor) => mul(g, invScale);
    record.flag =
      grads.length === 0
        ? null
        : keep(
            tidy(() => {
              let flag: Tensor | undefined;
              for (const g of grads) {
                // g · 0 is 0 for finite values and NaN for ±inf and NaN, so the sum is NaN exactly when one is non-finite.
                const term = sum(mul(g, 0));
                flag = flag === undefined ? term : add(flag, term);
                g.assign(unscale(g));
              }
              return flag!;
            }),
          );
    record.stage = 'unscaled';
  }

  #prepareStep(op: string, optimizer: ScalableOptimizer, args: readonly unknown[]): OptimizerRecord {
    if (typeof args[0] === 'function') throw new Error(`${op}: closure use is not currently supported if GradScaler is enabled`);
    this.#checkStarted(op);
    const record = this.#record(optimizer);
    if (record.stage === 'stepped') throw new Error(`${op}: step() has already been called since the last update()`);
    if (record.stage === 'ready') this.#unscale(op, optimizer);
    if (record.flag === null)
      throw new Error(`${op}: no inf checks were recorded for this optimizer: none of its parameters has a gradient`);
    return record;
  }

  #finishStep(optimizer: ScalableOptimizer, record: OptimizerRecord, foundInf: boolean, args: readonly unknown[]): unknown {
    const result = foundInf ? undefined : optimizer.step(...(args as never[]));
    record.stage = 'stepped';
    return result;
  }

  #readSync(op: string, record: OptimizerRecord, asyncForm: string): boolean {
    if (record.foundInf !== undefined) return record.foundInf;
    const flag = record.flag!;
    if (flag.device !== 'cpu')
      throw new Error(`${op}: the gradients are on ${flag.device}, where the found-inf flag can only be read asynchronously: use ${asyncForm}`);
    return (record.foundInf = flag.dataSync()[0] !== 0);
  }

  async #readAsync(record: OptimizerRecord): Promise<boolean> {
    if (record.foundInf !== undefined) return record.foundInf;
    const value = (await record.flag!.data())[0];
    return (record.foundInf = value !== 0);
  }

  /** What `update` and `updateAsync` check before reading anything. */
  #beginUpdate(op: string, newScale: number | undefined): void {
    this.#checkStarted(op);
    if (newScale !== undefined) check(op, 'initScale', newScale, 'newScale');
  }

  /** The records holding a found-inf flag; PyTorch requires at least one before an update without newScale. */
  #flags(op: string): OptimizerRecord[] {
    const records = [...this.#records.values()].filter((r) => r.flag !== null);
    if (records.length === 0)
      throw new Error(`${op}: no inf checks were recorded prior to update(): call step(optimizer) or unscale_(optimizer) first`);
    return records;
  }

  /** PyTorch's `_amp_update_scale_` kernel: the float32 scale times a double factor, rounded back to float32. */
  #finishUpdate(newScale: number | undefined, found: boolean[]): void {
    if (newScale !== undefined) this.#scale = Math.fround(newScale);
    else if (found.some(Boolean)) {
      this.#scale = Math.fround(this.#scale * this.#backoffFactor);
      this.#growthTracker = 0;
    } else if (this.#growthTracker + 1 === this.#growthInterval) {
      const grown = Math.fround(this.#scale * this.#growthFactor);
      if (Number.isFinite(grown)) this.#scale = grown;
      this.#growthTracker = 0;
    } else this.#growthTracker += 1;
    for (const r of this.#records.values()) if (r.flag !== null) dispose(r.flag);
    this.#records.clear();
  }
}

/** The gradients of `optimizer`'s parameters that have one, all on one device. */
function gradsOf(op: string, optimizer: ScalableOptimizer): Tensor[] {
  if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups))
    throw new Error(`${op}: optimizer must be an optimizer with paramGroups, got ${fmt(optimizer)}`);
  const grads: Tensor[] = [];
  for (const group of optimizer.paramGroups) for (const p of group.params) if (p.grad !== null) grads.push(p.grad);
  const devices = [...new Set(grads.map((g) => g.device))];
  if (devices.length > 1) throw new Error(`${op}: the optimizer's gradients are on several devices (${devices.join(', ')}); one is supported`);
  return grads;
}
