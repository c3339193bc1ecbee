/**
 * fit's console output. In a terminal: one line per epoch, redrawn in place with `\r` (batch i/n, a bar, the
 * running loss and metrics, samples/s, ETA) and finished with the epoch's summary. Elsewhere (a log file, CI):
 * the summary line alone, once per epoch. The running values are read from the device at most every
 * `refreshMs`, so a GPU step is not stalled by the bar.
 */

/** Where the output goes: `process.stdout`, or anything with `write` (tests pass a buffer). */
export interface ProgressOutput {
  write(text: string): unknown;
  /** A terminal, where `\r` redraws the line. */
  isTTY?: boolean;
  /** Terminal width; lines are cut to it so that they never wrap (a wrapped line cannot be redrawn). */
  columns?: number;
}

export type ProgressMode = 'bar' | 'lines' | 'off';

const BAR_WIDTH = 20;

/** A log value as printed: accuracies as percentages, the learning rate in exponent form, others to 4 digits. */
export function formatValue(key: string, v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (/accuracy/i.test(key)) return `${(v * 100).toFixed(2)}%`;
  if (key === 'lr') return v.toExponential(2);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return v.toFixed(4);
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function formatLogs(values: Record<string, number>): string {
  return Object.entries(values)
    .filter(([k]) => k !== 'epoch')
    .map(([k, v]) => `${k} ${formatValue(k, v)}`)
    .join('  ');
}

export class Progress {
  readonly #mode: ProgressMode;
  readonly #out: ProgressOutput;
  readonly #epochs: number;
  readonly #refreshMs: number;
  readonly #now: () => number;
  #epochStart = 0;
  #trainEnd: number | null = null;
  #lastDraw = -Infinity;
  #drawn = 0;

  constructor(mode: ProgressMode, out: ProgressOutput | undefined, epochs: number, opts: { refreshMs?: number; now?: () => number } = {}) {
    this.#mode = out ? mode : 'off';
    this.#out = out ?? { write: () => {} };
    this.#epochs = epochs;
    this.#refreshMs = opts.refreshMs ?? 100;
    this.#now = opts.now ?? (() => performance.now());
  }

  #label(epoch: number): string {
    const w = String(this.#epochs).length;
    return `epoch ${String(epoch).padStart(w)}/${this.#epochs}`;
  }

  #fit(line: string): string {
    const cols = this.#out.columns;
    return cols && cols > 10 && line.length > cols - 1 ? line.slice(0, cols - 1) : line;
  }

  /** Redraws the in-place line (padding over a longer previous one). */
  #draw(line: string, final: boolean): void {
    const text = this.#fit(line);
    const pad = ' '.repeat(Math.max(0, this.#drawn - text.length));
    this.#out.write(`\r${text}${pad}${final ? '\n' : ''}`);
    this.#drawn = final ? 0 : text.length;
  }

  epochStart(): void {
    this.#epochStart = this.#now();
    this.#trainEnd = null;
    this.#lastDraw = -Infinity;
  }

  /** Marks the end of the epoch's training steps (before validation), which samples/s is measured over. */
  trainEnd(): void {
    this.#trainEnd = this.#now();
  }

  /** Whether `batch` should redraw the bar now; when true, call `batch` with the running values. */
  wantsRefresh(done: number, total: number | undefined): boolean {
    if (this.#mode !== 'bar') return false;
    return done === total || this.#now() - this.#lastDraw >= this.#refreshMs;
  }

  /** Draws the bar after `done` of `total` batches (`samples` so far in the epoch, `since` samples before a resume). */
  batch(epoch: number, done: number, total: number | undefined, samples: number, values: Record<string, number>): void {
    const now = this.#now();
    this.#lastDraw = now;
    const elapsed = (now - this.#epochStart) / 1000;
    let bar = `${done}`;
    let eta = '';
    if (total !== undefined && total > 0) {
      const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / total));
      bar = `[${'='.repeat(filled)}${filled < BAR_WIDTH ? '>' : ''}${' '.repeat(Math.max(0, BAR_WIDTH - filled - 1))}] ${done}/${total}`;
      if (done > 0 && done < total) eta = `  ETA ${formatSeconds((elapsed * (total - done)) / done)}`;
    }
    const rate = elapsed > 0 ? `  ${Math.round(samples / elapsed)} samples/s` : '';
    this.#draw(`${this.#label(epoch)}  ${bar}  ${formatLogs(values)}${rate}${eta}`, false);
  }

  /** The epoch's summary line, replacing the bar: the epoch's time (validation included) and training samples/s. */
  epochEnd(epoch: number, batches: number, samples: number, logs: Record<string, number>): void {
    if (this.#mode === 'off') return;
    const now = this.#now();
    const elapsed = (now - this.#epochStart) / 1000;
    const training = ((this.#trainEnd ?? now) - this.#epochStart) / 1000;
    const rate = training > 0 ? `  ${Math.round(samples / training)} samples/s` : '';
    const line = `${this.#label(epoch)}  ${batches} batches  ${formatLogs(logs)}  ${formatSeconds(elapsed)}${rate}`;
    if (this.#mode === 'bar') this.#draw(line, true);
    else this.#out.write(`${line}\n`);
  }

  /** A message on its own line (after clearing an unfinished bar). */
  message(text: string): void {
    if (this.#mode === 'off') return;
    if (this.#drawn > 0) this.#draw('', false);
    if (this.#mode === 'bar') this.#out.write('\r');
    this.#out.write(`${text}\n`);
    this.#drawn = 0;
  }
}
