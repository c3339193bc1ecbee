/**
 * The diagnostics panels of `plotHistory`: from training-diagnostics records, the lectures' pictures of a deep
 * network's health on log axes — per-layer gradient norm, update-to-weight ratio and activation std against
 * layer depth (1 = the input side) at up to four recorded steps, and the gradient norms of the first, middle and
 * last layers over the recorded steps. Vanishing gradients show as a line climbing steeply from left to right.
 */
import { describe } from './args.js';
import { mainParam, type DiagnosticsRecord, type LayerDiagnostics } from './diagnostics.js';
import type { Panel } from './plot.js';

/** What `plotHistory`'s `diagnostics` option takes: records, or anything holding them (a `TrainingDiagnostics`). */
export type DiagnosticsSource = readonly DiagnosticsRecord[] | { readonly records: readonly DiagnosticsRecord[] };

export function checkDiagnostics(op: string, source: unknown): readonly DiagnosticsRecord[] {
  const records = Array.isArray(source) ? source : (source as { records?: unknown } | null)?.records;
  if (!Array.isArray(records) || records.some((r) => !r || !Array.isArray((r as DiagnosticsRecord).layers)))
    throw new Error(`${op}: diagnostics must be a TrainingDiagnostics callback or an array of diagnostics records, got ${describe(source)}`);
  return records as DiagnosticsRecord[];
}

/** Up to `n` indices spread evenly over 0..count-1, first and last included. */
function spread(count: number, n: number): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (count - 1)) / (n - 1))))];
}

const label = (r: DiagnosticsRecord, i: number) => (r.step !== null ? `step ${r.step}` : `record ${i + 1}`);
const value = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);

export function diagnosticsPanels(records: readonly DiagnosticsRecord[]): Panel[] {
  if (records.length === 0) return [];
  // Depth positions follow the first record's layers; other records are matched by layer name.
  const names = records[0]!.layers.map((l) => l.name);
  if (names.length === 0) return [];
  const depth = names.map((_, i) => i + 1);
  const byName = (r: DiagnosticsRecord) => new Map(r.layers.map((l) => [l.name, l]));
  const chosen = spread(records.length, 4);
  const byLayer = (name: string, title: string, pick: (l: LayerDiagnostics | undefined) => number): Panel => ({
    name,
    title: `${title} by layer (log scale)`,
    xs: depth,
    xLabel: 'layer depth (1 = input side)',
    log: true,
    series: chosen.map((i) => {
      const m = byName(records[i]!);
      return { key: label(records[i]!, i), values: names.map((n) => pick(m.get(n))) };
    }),
  });
  const out = [byLayer('gradNorm', 'gradient norm', (l) => value(l && mainParam(l)?.gradNorm))];
  const has = (f: (l: LayerDiagnostics) => boolean) => records.some((r) => r.layers.some(f));
  if (has((l) => mainParam(l)?.updateRatio != null))
    out.push(byLayer('updateRatio', 'update / weight', (l) => value(l && mainParam(l)?.updateRatio)));
  if (has((l) => l.activation !== null)) out.push(byLayer('activationStd', 'activation std', (l) => value(l?.activation?.std)));
  if (records.length >= 2) {
    const steps = records.map((r, i) => r.step ?? i + 1);
    const layers = spread(names.length, 3);
    const role = (k: number) => (k === 0 ? 'first' : k === names.length - 1 ? 'last' : 'middle');
    out.push({
      name: 'gradNormSteps',
      title: 'gradient norm over training (log scale)',
      xs: steps,
      xLabel: records.every((r) => r.step !== null) ? 'step' : 'record',
      log: true,
      series: layers.map((k) => ({
        key: `${role(k)} (${names[k] || 'model'})`,
        values: records.map((r) => {
          const l = byName(r).get(names[k]!);
          return value(l && mainParam(l)?.gradNorm);
        }),
      })),
    });
  }
  return out;
}
