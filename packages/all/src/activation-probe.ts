/**
 * `watchActivations`: the mean and standard deviation of each layer's output, captured during forward passes
 * in training mode — the lectures' plot of activation statistics by depth, where a collapsing std is the
 * forward half of a vanishing-gradient story.
 *
 * It uses the modules' forward hooks (`registerForwardHook`) where the Module has them; otherwise it wraps each
 * watched module's `forward` in an own property and undoes that exactly on `remove()`. Statistics are computed
 * on the device under `noGrad` (nothing is recorded for backward, no random numbers are drawn) and kept as one
 * small tensor per layer, replaced by the next captured pass; `take()` hands them over, `remove()` frees them.
 */
import { noGrad } from '@nn/autograd';
import type { AnyModule } from '@nn/layers';
import { isFloating, keep, stack, tidy, Tensor } from '@nn/tensor';
import { checkOptions, describe } from './args.js';
import { diagnosedLayers, type LayerFilter } from './diagnostics.js';

export interface WatchActivationsOptions {
  /** Layers to watch (default: every module with parameters of its own), as for `recordDiagnostics`. */
  layers?: LayerFilter;
}

interface Removable {
  remove(): void;
}

/** What a Module with PyTorch's forward hooks offers. */
interface Hookable {
  registerForwardHook?(hook: (module: AnyModule, inputs: unknown[], output: unknown) => unknown): Removable;
}

/** The first tensor of a module's output: the tensor itself, or the first element of an array (LSTM's `[output, state]`). */
function firstTensor(output: unknown): Tensor | null {
  if (output instanceof Tensor) return output;
  if (Array.isArray(output) && output[0] instanceof Tensor) return output[0];
  return null;
}

/** Wraps `module.forward` in an own property; the returned handle puts back exactly what was there. */
function wrapForward(module: AnyModule, after: (output: unknown) => void): Removable {
  const m = module as unknown as { forward: (...a: unknown[]) => unknown };
  const hadOwn = Object.prototype.hasOwnProperty.call(m, 'forward');
  const original = m.forward;
  let active = true;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const out = original.apply(this, args);
    if (active) after(out);
    return out;
  };
  m.forward = wrapper;
  return {
    remove() {
      active = false;
      if (m.forward !== wrapper) return; // wrapped again on top: ours stays as a pass-through
      if (hadOwn) m.forward = original;
      else delete (m as { forward?: unknown }).forward;
    },
  };
}

/** Captures per-layer activation statistics of a model's forward passes (see the file comment). */
export class ActivationProbe {
  /** Whether forward passes are captured now (set it false to skip the cost in steps you do not record). */
  enabled = true;
  /** The watched layers' names (state-dict prefixes). */
  readonly layers: readonly string[];
  readonly #captured = new Map<string, Tensor>();
  readonly #handles: Removable[] = [];

  constructor(model: AnyModule, options: WatchActivationsOptions = {}) {
    const op = 'watchActivations';
    const o = checkOptions(op, options, ['layers']);
    const layers = diagnosedLayers(op, model, o.layers);
    this.layers = layers.map((l) => l.name);
    for (const { name, module } of layers) {
      const capture = (output: unknown) => this.#capture(name, module, output);
      const hookable = module as unknown as Hookable;
      this.#handles.push(
        typeof hookable.registerForwardHook === 'function'
          ? hookable.registerForwardHook((_m, _inputs, output) => void capture(output))
          : wrapForward(module, capture),
      );
    }
  }

  #capture(name: string, module: AnyModule, output: unknown): void {
    if (!this.enabled || !module.training) return;
    const t = firstTensor(output);
    if (!t || t.isDisposed || !isFloating(t.dtype)) return;
    const stats = noGrad(() => tidy(() => keep(stack([t.mean(), t.std()]))));
    this.#captured.get(name)?.dispose();
    this.#captured.set(name, stats);
  }

  /**
   * The statistics captured since the last `take()`, by layer name: a kept float32 tensor [mean, std] per layer
   * (std with Bessel's correction, as PyTorch's `t.std()`). The caller owns and disposes them.
   */
  take(): Map<string, Tensor> {
    const out = new Map(this.#captured);
    this.#captured.clear();
    return out;
  }

  /** Frees the captured statistics. */
  clear(): void {
    for (const t of this.#captured.values()) t.dispose();
    this.#captured.clear();
  }

  /** Stops watching: removes the hooks (or restores `forward`) and frees the captured statistics. */
  remove(): void {
    for (const h of this.#handles.splice(0)) h.remove();
    this.clear();
  }

  [Symbol.dispose](): void {
    this.remove();
  }
}

/**
 * Starts capturing the mean and std of each layer's output in training-mode forward passes; hand the probe to
 * `recordDiagnostics(model, {activations: probe})`, and call `probe.remove()` when done.
 */
export function watchActivations(model: AnyModule, options?: WatchActivationsOptions): ActivationProbe {
  return new ActivationProbe(model, options);
}
