/**
 * The checkpoint file of `fit`: `save(checkpoint)` of @nn/layers (see its format), the object being a
 * `Checkpoint`: counters, history, optimizer, scheduler, RNG and loader state as plain data, and the model's
 * state dict, the optimizer's state tensors, early stopping's best weights and the running sums of the epoch in
 * progress as tensors. `loadFile(path)` reads one like any other file of `save`.
 *
 * `scaler` (the GradScaler's `stateDict()` of a mixed-precision run, else null) was added within version 2: a
 * checkpoint without the field reads as null.
 *
 * Version 1 checkpoints (one safetensors file with the JSON in the header's `__metadata__` under `nn.fit`, the
 * tensors named `model.*`, `optimizer.<param>.<key>`, `best.*`, `running.<name>`) are still read.
 */
import type { GradScalerStateDict, OptimizerStateDict } from '@nn/optim';
import { load, loadSafetensors, readSafetensorsHeader, saveAsync } from '@nn/layers';
import { dispose, Tensor, type GeneratorState } from '@nn/tensor';
import { isPlainObject } from './args.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { History } from './history.js';

export const FORMAT = 'nn-fit-checkpoint';
export const VERSION = 2;
const LEGACY_META_KEY = 'nn.fit';

export interface Checkpoint {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Epochs finished. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Batches done in the epoch in progress (0 between epochs). */
  batch: number;
  /** Samples summed in `running` for the epoch in progress. */
  samples: number;
  /** Group 0's learning rate at the last optimizer step (null before the first). */
  lastLr: number | null;
  history: History;
  earlyStopping: EarlyStoppingState | null;
  scheduler: { name: string; state: unknown } | null;
  /** The global generator (`manualSeed`'s), used by dropout, initialisation and default shuffling. */
  rng: GeneratorState;
  loader: unknown;
  validationLoader: unknown;
  /** The model's state dict. */
  model: Record<string, Tensor>;
  /** The optimizer's `stateDict()`. */
  optimizer: OptimizerStateDict;
  /**
   * The loss scaler's `stateDict()` (PyTorch's keys: scale, growth_factor, backoff_factor, growth_interval,
   * _growth_tracker) when fit ran with mixed precision and an enabled scaler; null otherwise (and in checkpoints
   * written before mixed precision existed).
   */
  scaler: GradScalerStateDict | null;
  /** Early stopping's best weights (when it restores them), else null. */
  best: Record<string, Tensor> | null;
  /** The running sums of the epoch in progress (`loss`, then the metrics), or null before its first batch. */
  running: { names: string[]; sums: Tensor[] } | null;
}

/** The checkpoint's bytes (tensors read with `await data()`, so any device works). */
export function encodeCheckpoint(checkpoint: Checkpoint): Promise<Uint8Array> {
  return saveAsync(checkpoint);
}

/**
 * Parses and checks a checkpoint file's bytes (this version's, or version 1's); its tensors are created on the
 * CPU and belong to the caller (`dispose(checkpoint)`). Nothing is left allocated when it throws.
 */
export function decodeCheckpoint(op: string, bytes: Uint8Array): Checkpoint {
  let value: unknown;
  try {
    value = load(bytes, { device: 'cpu' });
  } catch (e) {
    const message = (e as Error).message;
    if (!message.startsWith('load: not a file written by save')) throw new Error(`${op}: not a checkpoint (${message})`);
    value = decodeLegacy(op, bytes);
  }
  try {
    return check(op, value);
  } catch (e) {
    dispose(value);
    throw e;
  }
}

function check(op: string, c: unknown): Checkpoint {
  if (!isPlainObject(c) || c.format !== FORMAT) throw new Error(`${op}: not a fit checkpoint (format ${JSON.stringify((c as { format?: unknown })?.format)})`);
  if (c.version !== VERSION && c.version !== 1) throw new Error(`${op}: checkpoint version ${String(c.version)} is not supported (this version reads 1 and ${VERSION})`);
  for (const k of ['epoch', 'step', 'batch', 'samples'] as const)
    if (typeof c[k] !== 'number' || !Number.isSafeInteger(c[k]) || (c[k] as number) < 0)
      throw new Error(`${op}: checkpoint field ${k} must be an integer >= 0, got ${JSON.stringify(c[k])}`);
  if (!isPlainObject(c.history) || !Array.isArray(c.history.epoch)) throw new Error(`${op}: checkpoint history is malformed`);
  const tensors = (x: unknown) => isPlainObject(x) && Object.values(x).every((t) => t instanceof Tensor);
  if (!tensors(c.model)) throw new Error(`${op}: checkpoint field model must be a state dict of tensors`);
  if (c.best !== null && !tensors(c.best)) throw new Error(`${op}: checkpoint field best must be a state dict of tensors or null`);
  if (!isPlainObject(c.optimizer)) throw new Error(`${op}: checkpoint field optimizer must be an optimizer state dict`);
  const scaler = c.scaler ?? null;
  if (scaler !== null && !(isPlainObject(scaler) && Object.values(scaler).every((v) => typeof v === 'number')))
    throw new Error(`${op}: checkpoint field scaler must be a GradScaler state dict (numbers under PyTorch's keys) or null`);
  const r = c.running;
  if (
    r !== null &&
    !(isPlainObject(r) && Array.isArray(r.names) && Array.isArray(r.sums) && r.names.length === r.sums.length &&
      r.names.every((n) => typeof n === 'string') && r.sums.every((t) => t instanceof Tensor))
  )
    throw new Error(`${op}: checkpoint field running must be {names, sums} or null`);
  return { ...(c as unknown as Checkpoint), scaler: scaler as GradScalerStateDict | null, version: VERSION };
}

/** Version 1: a safetensors file whose `__metadata__['nn.fit']` holds the JSON, in the shape of a `Checkpoint`. */
function decodeLegacy(op: string, bytes: Uint8Array): unknown {
  let header;
  try {
    header = readSafetensorsHeader(bytes);
  } catch (e) {
    throw new Error(`${op}: not a checkpoint (${(e as Error).message})`);
  }
  const text = header.metadata?.[LEGACY_META_KEY];
  if (text === undefined) throw new Error(`${op}: not a fit checkpoint: the safetensors metadata has no '${LEGACY_META_KEY}' entry`);
  const meta = JSON.parse(text, (_k, v: unknown) =>
    isPlainObject(v) && Object.keys(v).length === 1 && typeof v.$number === 'string' ? Number(v.$number) : v,
  ) as Record<string, unknown>;
  if (!isPlainObject(meta) || meta.format !== FORMAT || meta.version !== 1) return meta; // check() says what is wrong
  const optimizer = meta.optimizer as { state?: unknown };
  if (!isPlainObject(optimizer) || !isPlainObject(optimizer.state)) throw new Error(`${op}: the optimizer state is not an object`);
  const names = meta.running as string[] | null;
  const refs = [
    ...Object.values(optimizer.state).flatMap((e) => (isPlainObject(e) ? Object.values(e).filter((v) => typeof v === 'string') : [])),
    ...(Array.isArray(names) ? names.map((n) => `running.${n}`) : []),
  ] as string[];
  for (const ref of refs)
    if (!(ref in header.tensors)) throw new Error(`${op}: the checkpoint refers to tensor '${ref}', which the file lacks`);
  const tensors = loadSafetensors(bytes, { device: 'cpu' });
  const under = (prefix: string) =>
    Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, t]) => [k.slice(prefix.length + 1), t]));
  const state = Object.fromEntries(
    Object.entries(optimizer.state as Record<string, Record<string, unknown>>).map(([i, e]) => [
      i,
      Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' ? tensors[v] : v])),
    ]),
  );
  const best = under('best');
  return {
    ...meta,
    model: under('model'),
    optimizer: { ...optimizer, state },
    best: Object.keys(best).length ? best : null,
    running: Array.isArray(names) ? { names, sums: names.map((n) => tensors[`running.${n}`]) } : null,
  };
}
