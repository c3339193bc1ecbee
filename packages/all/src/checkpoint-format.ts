/**
 * The checkpoint file of `fit`: one safetensors file. Its tensors are the model's state dict (`model.<key>`),
 * the optimizer's state tensors (`optimizer.<param>.<key>`), early stopping's best weights (`best.<key>`) and
 * the running sums of the epoch in progress (`running.<name>`); everything else — counters, history, optimizer
 * hyperparameters, scheduler, RNG and loader positions — is JSON in the header's `__metadata__` under
 * `nn.fit`. Non-finite numbers, which JSON lacks, are written as `{"$number": "Infinity"}`.
 */
import { decodeValue, encodeValues, type OptimizerStateDict } from '@nn/optim';
import { loadSafetensors, readSafetensorsHeader, saveSafetensorsAsync } from '@nn/layers';
import { tensor, type GeneratorState, type Tensor } from '@nn/tensor';
import { isPlainObject } from './args.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { History } from './history.js';

export const FORMAT = 'nn-fit-checkpoint';
export const VERSION = 1;
const META_KEY = 'nn.fit';

export interface CheckpointMeta {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Epochs finished. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Batches done in the epoch in progress (0 between epochs). */
  batch: number;
  /** Samples summed in `running.*` for the epoch in progress. */
  samples: number;
  /** Group 0's learning rate at the last optimizer step (null before the first). */
  lastLr: number | null;
  /** Names of the running sums (`loss`, then the metrics), or null before the first batch. */
  running: string[] | null;
  history: History;
  earlyStopping: EarlyStoppingState | null;
  /** The optimizer's `stateDict()` with each state tensor replaced by the name of a tensor in the file. */
  optimizer: OptimizerStateDict;
  scheduler: { name: string; state: unknown } | null;
  /** The global generator (`manualSeed`'s), used by dropout, initialisation and default shuffling. */
  rng: GeneratorState;
  loader: unknown;
  validationLoader: unknown;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  /** The file's tensors on the CPU, by name; the caller disposes them. */
  tensors: Record<string, Tensor>;
}

/** JSON with non-finite numbers kept (as `{"$number": "NaN" | "Infinity" | "-Infinity"}`). */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (isPlainObject(v) && Object.keys(v).length === 1 && typeof v.$number === 'string') return Number(v.$number);
    return v;
  });
}

/**
 * Moves the state tensors of an optimizer state dict out of its JSON: returns the dict with each
 * `{shape, dtype, data}` replaced by a tensor name, and those tensors (new, on the CPU; the caller disposes them).
 */
export function splitOptimizerState(sd: OptimizerStateDict): { json: OptimizerStateDict; tensors: Record<string, Tensor> } {
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, unknown>> = {};
  for (const [i, entry] of Object.entries(sd.state)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (typeof v === 'number') out[k] = v;
      else {
        const name = `optimizer.${i}.${k}`;
        const values = Float32Array.from(v.data, (x) => decodeValue(x)!);
        tensors[name] = tensor(values, { shape: v.shape, device: 'cpu' });
        out[k] = name;
      }
    }
    state[i] = out;
  }
  return { json: { ...sd, state: state as OptimizerStateDict['state'] }, tensors };
}

/** The inverse of `splitOptimizerState`: puts the named tensors back as `{shape, dtype, data}`. */
export function joinOptimizerState(op: string, json: OptimizerStateDict, tensors: Record<string, Tensor>): OptimizerStateDict {
  if (!isPlainObject(json) || !isPlainObject(json.state)) throw new Error(`${op}: the optimizer state is not an object`);
  const state: Record<string, Record<string, unknown>> = {};
  for (const [i, entry] of Object.entries(json.state as Record<string, Record<string, unknown>>)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (typeof v !== 'string') {
        out[k] = v;
        continue;
      }
      const t = tensors[v];
      if (!t) throw new Error(`${op}: the optimizer state refers to tensor '${v}', which the file lacks`);
      out[k] = { shape: [...t.shape], dtype: 'float32', data: encodeValues(t.dataSync()) };
    }
    state[i] = out;
  }
  return { ...json, state: state as OptimizerStateDict['state'] };
}

/** The checkpoint's bytes (tensors read with `await data()`, so any device works). */
export async function encodeCheckpoint(meta: CheckpointMeta, tensors: Record<string, Tensor>): Promise<Uint8Array> {
  return saveSafetensorsAsync(tensors, { [META_KEY]: encodeJson(meta) });
}

/** Parses and checks a checkpoint file's bytes; its tensors are created on the CPU. */
export function decodeCheckpoint(op: string, bytes: Uint8Array): Checkpoint {
  let header;
  try {
    header = readSafetensorsHeader(bytes);
  } catch (e) {
    throw new Error(`${op}: not a checkpoint (${(e as Error).message})`);
  }
  const text = header.metadata?.[META_KEY];
  if (text === undefined) throw new Error(`${op}: not a fit checkpoint: the safetensors metadata has no '${META_KEY}' entry`);
  const meta = decodeJson(text);
  if (!isPlainObject(meta) || meta.format !== FORMAT) throw new Error(`${op}: not a fit checkpoint (format ${String((meta as { format?: unknown })?.format)})`);
  if (meta.version !== VERSION) throw new Error(`${op}: checkpoint version ${String(meta.version)} is not supported (this version reads ${VERSION})`);
  for (const k of ['epoch', 'step', 'batch', 'samples'] as const)
    if (typeof meta[k] !== 'number' || !Number.isSafeInteger(meta[k]) || (meta[k] as number) < 0)
      throw new Error(`${op}: checkpoint field ${k} must be an integer >= 0, got ${JSON.stringify(meta[k])}`);
  if (!isPlainObject(meta.history) || !Array.isArray(meta.history.epoch)) throw new Error(`${op}: checkpoint history is malformed`);
  return { meta: meta as unknown as CheckpointMeta, tensors: loadSafetensors(bytes, { device: 'cpu' }) };
}

/** The tensors under `prefix.`, with the prefix removed. */
export function withPrefix(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = t;
  return out;
}

/** Prefixes every key with `prefix.`. */
export function prefixed(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [`${prefix}.${k}`, t]));
}
