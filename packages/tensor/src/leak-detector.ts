/**
 * A leak detector for training loops: call `step()` once per step; when `memory().numTensors` has grown after
 * every one of `patience` consecutive steps (after `warmup` steps that may legitimately create state, such as an
 * optimizer's moments), it reports once — through `report`, `console.warn` by default — how fast the count
 * grows and which ops made the tensors that survived those steps, e.g.
 *
 *   @nn leak detector: memory().numTensors grew at each of the last 3 steps (+2 per step, 120 → 126); tensors
 *   made during those steps and still alive: 3 × MatMul [16,4], 3 × Sum [] — dispose them, run each step in
 *   tidy (or a DataLoader step scope), or keep() what must live.
 *
 * While it runs it notes every new tensor's creating op (weakly: the tensors stay collectable); `dispose()` stops
 * that. It changes nothing in the computation.
 */
import { engine, memory } from './engine.js';
import type { Tensor } from './tensor.js';

export interface LeakDetectorOptions {
  /** Steps ignored at the start (default 2). */
  warmup?: number;
  /** Consecutive growing steps that count as a leak (default 3). */
  patience?: number;
  /** Receives the report (default `console.warn`). */
  report?: (message: string) => void;
}

interface Made {
  ref: WeakRef<Tensor>;
  op: string;
  step: number;
}

export class LeakDetector {
  readonly warmup: number;
  readonly patience: number;
  #report: (message: string) => void;
  #steps = 0;
  #counts: number[] = [];
  #made: Made[] = [];
  #stop: (() => void) | null;
  #reported: string | null = null;

  constructor(opts: LeakDetectorOptions = {}) {
    const { warmup = 2, patience = 3, report = (m: string) => console.warn(m) } = opts;
    for (const [k, v] of Object.entries({ warmup, patience }))
      if (!Number.isInteger(v) || v < (k === 'patience' ? 1 : 0)) throw new Error(`LeakDetector: ${k} must be a ${k === 'patience' ? 'positive' : 'non-negative'} integer, got ${String(v)}`);
    if (typeof report !== 'function') throw new Error('LeakDetector: report must be a function');
    this.warmup = warmup;
    this.patience = patience;
    this.#report = report;
    this.#stop = engine.observeCreation((t, op) => this.#made.push({ ref: new WeakRef(t), op, step: this.#steps }));
  }

  /** The report, once one was made (null before). */
  get reported(): string | null {
    return this.#reported;
  }

  /** Marks the end of a training step; returns the report if this step completed a leak (only the first time). */
  step(): string | null {
    if (!this.#stop) throw new Error('LeakDetector.step: the detector has been disposed');
    this.#steps++;
    this.#counts.push(memory().numTensors);
    const window = this.patience + 1;
    if (this.#counts.length > window) this.#counts.shift();
    // Only the tensors of the steps in the window can be the ones that pile up.
    const oldest = this.#steps - this.patience;
    if (this.#made.length > 0 && this.#made[0]!.step < oldest) this.#made = this.#made.filter((m) => m.step >= oldest);
    if (this.#reported !== null || this.#steps <= this.warmup + this.patience || this.#counts.length < window) return null;
    const c = this.#counts;
    if (!c.every((n, i) => i === 0 || n > c[i - 1]!)) return null;
    const perStep = (c.at(-1)! - c[0]!) / this.patience;
    const byOp = new Map<string, number>();
    for (const m of this.#made) {
      const t = m.ref.deref();
      if (!t || t.isDisposed) continue;
      const key = `${m.op} [${t.shape.join(',')}]`;
      byOp.set(key, (byOp.get(key) ?? 0) + 1);
    }
    const survivors = [...byOp].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} × ${k}`);
    this.#reported =
      `@nn leak detector: memory().numTensors grew at each of the last ${this.patience} steps (+${perStep} per step, ${c[0]} → ${c.at(-1)}); ` +
      `tensors made during those steps and still alive: ${survivors.length ? survivors.join(', ') : 'none seen (made before the detector started?)'} — ` +
      'dispose them, run each step in tidy (or a DataLoader step scope), or keep() what must live.';
    this.#report(this.#reported);
    return this.#reported;
  }

  /** Stops observing tensor creation. */
  dispose(): void {
    this.#stop?.();
    this.#stop = null;
    this.#made = [];
  }
}
