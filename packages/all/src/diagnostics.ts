/**
 * Training diagnostics: per-layer numbers that show whether gradients vanish or explode, the lectures' check
 * of a deep network's health. For each parameterised module (a layer, named by its state-dict prefix: `0`,
 * `encoder.fc`) a record holds, per parameter, ‖θ‖, the gradient norm ‖∇θ‖ and the update-to-weight ratio
 * ‖Δθ‖/‖θ‖ across an optimizer step, and the mean and standard deviation of the layer's output.
 *
 * Recording only reads: it computes the norms on the device under `noGrad`, reads them in one transfer and
 * disposes every temporary, draws no random numbers and changes no gradient, so a run with diagnostics trains
 * exactly as one without.
 *
 *   opt.zeroGrad();
 *   tidy(() => backward(crossEntropy(model.call(x), y)));
 *   const record = await recordDiagnostics(model, { optimizer: opt, activations: probe }); // takes the step
 *   console.log(formatDiagnostics(record));
 */
import { noGrad } from '@nn/autograd';
import type { AnyModule } from '@nn/layers';
import { concat, dispose, full, keep, stack, tidy, type Tensor } from '@nn/tensor';
import { checkOptions, describe } from './args.js';
import type { ActivationProbe } from './activation-probe.js';

/** Which layers to diagnose: state-dict prefixes of parameterised modules, or a predicate over them. */
export type LayerFilter = readonly string[] | ((name: string, module: AnyModule) => boolean);

/** The numbers of one parameter of a layer. */
export interface ParamDiagnostics {
  /** ‖θ‖ (L2 over all elements) when recorded, after the step if one was measured. */
  norm: number;
  /** ‖∇θ‖, or null when the parameter has no gradient. */
  gradNorm: number | null;
  /** ‖Δθ‖ across the measured optimizer step, or null when no step was measured. */
  updateNorm: number | null;
  /** ‖Δθ‖ / ‖θ‖ with θ before the step (the lectures' update-to-data ratio, healthy around 1e-3); null without a step. */
  updateRatio: number | null;
}

/** One layer: a module with parameters of its own. */
export interface LayerDiagnostics {
  /** The module's state-dict prefix (`'0'`, `'encoder.fc'`; `''` for the model itself). */
  name: string;
  /** The module's class name (`'Linear'`). */
  type: string;
  /** By the parameter's own name (`weight`, `bias`). */
  params: Record<string, ParamDiagnostics>;
  /** Mean and standard deviation over all elements of the layer's output in the recorded forward pass; null when not captured. */
  activation: { mean: number; std: number } | null;
}

/** The diagnostics of one training step. */
export interface DiagnosticsRecord {
  /** The optimizer step this describes (fit's step count), or null when not given. */
  step: number | null;
  /** The 1-based epoch, or null when not given. */
  epoch: number | null;
  /** Layers in the order of `namedModules()` (input side first). */
  layers: LayerDiagnostics[];
}

export interface RecordDiagnosticsOptions {
  /** Layers to record (default: every module with parameters of its own). */
  layers?: LayerFilter;
  /**
   * An optimizer whose `step()` recordDiagnostics takes itself (call it instead of `optimizer.step()`), measuring
   * ‖Δθ‖/‖θ‖ across it. Without one, no step is taken and the update ratios are null.
   */
  optimizer?: { step(): unknown };
  /** A probe from `watchActivations(model)` that saw the forward pass: its captured statistics go in the record. */
  activations?: ActivationProbe;
  /** Step number to store in the record. */
  step?: number;
  /** Epoch number to store in the record. */
  epoch?: number;
}

/** A layer to diagnose: its name, module and own parameters. */
export interface Layer {
  name: string;
  module: AnyModule;
  params: [string, Tensor][];
}

/** The parameterised modules of `model` (each with its own parameters), filtered by `layers`. */
export function diagnosedLayers(op: string, model: AnyModule, layers?: LayerFilter): Layer[] {
  if (!model || typeof (model as AnyModule).namedModules !== 'function')
    throw new Error(`${op}: model must be a Module, got ${describe(model)}`);
  const all: Layer[] = [];
  for (const [name, module] of model.namedModules()) {
    const params = module.namedParameters().filter(([n]) => !n.includes('.'));
    if (params.length) all.push({ name, module, params });
  }
  if (layers === undefined) return all;
  if (typeof layers === 'function') return all.filter((l) => layers(l.name, l.module));
  if (!Array.isArray(layers) || layers.some((n) => typeof n !== 'string'))
    throw new Error(`${op}: layers must be an array of layer names or a function (name, module) => boolean, got ${describe(layers)}`);
  const byName = new Map(all.map((l) => [l.name, l]));
  const unknown = layers.filter((n) => !byName.has(n));
  if (unknown.length)
    throw new Error(
      `${op}: layers: no module with parameters of its own is named ${unknown.map((n) => `'${n}'`).join(', ')} ` +
        `(the model's: ${all.map((l) => `'${l.name}'`).join(', ') || 'none'})`,
    );
  return all.filter((l) => layers.includes(l.name));
}

/** ‖t‖₂ over all elements, as a scalar tensor. */
function l2(t: Tensor): Tensor {
  return t.mul(t).sum().sqrt();
}

/** The parameters of `layers`, in record order. */
export function layerParams(layers: readonly Layer[]): Tensor[] {
  return layers.flatMap((l) => l.params.map(([, p]) => p));
}

/** A kept [P] tensor of ‖∇θ‖ per parameter (-1 where a parameter has no gradient, since a NaN norm is news). */
export function gradNorms(params: readonly Tensor[]): Tensor {
  if (params.length === 0) return keep(full([0], 0));
  return noGrad(() => tidy(() => keep(stack(params.map((p) => (p.grad ? l2(p.grad) : full([], -1)))))));
}

/**
 * Runs `step` (an optimizer step) and measures it: returns step's result and, kept, a [P, 2] tensor of
 * (‖θ before‖, ‖Δθ‖) per parameter of `params`. The parameters are copied first (not viewed, so an in-place
 * update cannot alias the snapshot); the copies are disposed before returning.
 */
export function measureUpdate<T>(params: readonly Tensor[], step: () => T): { result: T; norms: Tensor } {
  const before = noGrad(() => params.map((p) => keep(p.clone())));
  try {
    const result = step();
    if (params.length === 0) return { result, norms: keep(full([0, 2], 0)) };
    const norms = noGrad(() => tidy(() => keep(stack(params.map((p, i) => stack([l2(before[i]!), l2(p.sub(before[i]!))]))))));
    return { result, norms };
  } finally {
    dispose(before);
  }
}

/** Device-side inputs of a record: each kept tensor is disposed by `collectDiagnostics`. */
export interface Measured {
  /** From `gradNorms(layerParams(layers))` (default: the gradients now). */
  grads?: Tensor;
  /** From `measureUpdate(layerParams(layers), ...)`. */
  updates?: Tensor;
  /** Its captured statistics are taken (and disposed). */
  probe?: ActivationProbe | null;
}

/**
 * Builds a record from `measured` and the parameters' current norms, reading the device once. Disposes every
 * tensor of `measured` and every temporary, whatever happens.
 */
export async function collectDiagnostics(
  layers: readonly Layer[], at: { step: number | null; epoch: number | null }, measured: Measured,
): Promise<DiagnosticsRecord> {
  const params = layerParams(layers);
  const captured = measured.probe ? measured.probe.take() : new Map<string, Tensor>();
  const owned = [...captured.values(), ...(measured.updates ? [measured.updates] : []), ...(measured.grads ? [measured.grads] : [])];
  if (params.length === 0) {
    dispose(owned);
    return { step: at.step, epoch: at.epoch, layers: [] };
  }
  let values: Tensor;
  try {
    const grads = measured.grads ?? gradNorms(params);
    if (!measured.grads) owned.push(grads);
    values = noGrad(() =>
      tidy(() => {
        const parts = [stack(params.map(l2)), grads];
        if (measured.updates) parts.push(measured.updates.reshape([-1]));
        for (const l of layers) {
          const a = captured.get(l.name);
          if (a) parts.push(a);
        }
        return keep(concat(parts));
      }),
    );
  } catch (e) {
    dispose(owned);
    throw e;
  }
  let data: ArrayLike<number>;
  try {
    data = await values.data();
  } finally {
    values.dispose();
    dispose(owned);
  }
  const n = params.length;
  let k = 0;
  const out: LayerDiagnostics[] = layers.map((l) => {
    const ps: Record<string, ParamDiagnostics> = {};
    for (const [name] of l.params) {
      let updateNorm: number | null = null;
      let updateRatio: number | null = null;
      if (measured.updates) {
        const before = data[2 * n + 2 * k]!;
        updateNorm = data[2 * n + 2 * k + 1]!;
        updateRatio = before > 0 ? updateNorm / before : null;
      }
      ps[name] = { norm: data[k]!, gradNorm: data[n + k]! < 0 ? null : data[n + k]!, updateNorm, updateRatio };
      k++;
    }
    return { name: l.name, type: l.module.constructor.name, params: ps, activation: null };
  });
  let i = (measured.updates ? 4 : 2) * n;
  for (const l of out)
    if (captured.has(l.name)) {
      l.activation = { mean: data[i]!, std: data[i + 1]! };
      i += 2;
    }
  return { step: at.step, epoch: at.epoch, layers: out };
}

const OP = 'recordDiagnostics';

/**
 * Records one training step's diagnostics in a hand-written loop. Call it after `backward` (it reads the
 * gradients) and outside any `tidy` (it awaits one read of the device). When given the optimizer it takes the
 * step itself — call it instead of `optimizer.step()` — and measures the update-to-weight ratios across it.
 * Pass a probe from `watchActivations(model)` for the activations of the forward pass.
 */
export async function recordDiagnostics(model: AnyModule, options: RecordDiagnosticsOptions = {}): Promise<DiagnosticsRecord> {
  const o = checkOptions(OP, options, ['layers', 'optimizer', 'activations', 'step', 'epoch']);
  const layers = diagnosedLayers(OP, model, o.layers);
  if (o.optimizer !== undefined && (o.optimizer === null || typeof o.optimizer.step !== 'function'))
    throw new Error(`${OP}: optimizer must have a step() method, got ${describe(o.optimizer)}`);
  for (const k of ['step', 'epoch'] as const)
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k])))
      throw new Error(`${OP}: ${k} must be a number, got ${describe(o[k])}`);
  const probe = o.activations ?? null;
  if (probe !== null && (typeof probe !== 'object' || typeof probe.take !== 'function'))
    throw new Error(`${OP}: activations must be a probe from watchActivations(model), got ${describe(probe)}`);
  const at = { step: o.step ?? null, epoch: o.epoch ?? null };
  if (!o.optimizer) return collectDiagnostics(layers, at, { probe });
  // The gradient norms are taken before the step, as the optimizer saw them.
  const params = layerParams(layers);
  const grads = gradNorms(params);
  let updates: Tensor;
  try {
    updates = measureUpdate(params, () => o.optimizer!.step()).norms;
  } catch (e) {
    grads.dispose();
    throw e;
  }
  return collectDiagnostics(layers, at, { grads, updates, probe });
}

/** A number in 3 significant digits: `1.23e-4`, `0.0123`, `12.3`. */
function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-2 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** The parameter a layer is summarised by: `weight`, else its first. */
export function mainParam(layer: LayerDiagnostics): ParamDiagnostics | undefined {
  return layer.params.weight ?? Object.values(layer.params)[0];
}

/**
 * A text table of a record, one row per layer: its name and type, and for its weight (or first parameter)
 * ‖θ‖, ‖∇θ‖ and ‖Δθ‖/‖θ‖, then the activation mean and std.
 */
export function formatDiagnostics(record: DiagnosticsRecord): string {
  if (!record || !Array.isArray(record.layers)) throw new Error(`formatDiagnostics: record must be a diagnostics record, got ${describe(record)}`);
  const head = ['layer', 'type', '|W|', '|grad W|', 'update/|W|', 'act mean', 'act std'];
  const rows = record.layers.map((l) => {
    const p = mainParam(l);
    return [l.name || '(model)', l.type, fmt(p?.norm), fmt(p?.gradNorm), fmt(p?.updateRatio), fmt(l.activation?.mean), fmt(l.activation?.std)];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => (c < 2 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ').trimEnd();
  const title = [record.step !== null ? `step ${record.step}` : '', record.epoch !== null ? `epoch ${record.epoch}` : ''].filter(Boolean).join(', ');
  return [...(title ? [title] : []), line(head), ...rows.map(line)].join('\n');
}
