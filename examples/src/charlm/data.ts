/**
 * The language model's data: a word list (Debian's `wamerican`, /usr/share/dict/words), each word read as the
 * symbol sequence `^word$`. One boundary symbol (index 0) plays both parts: it starts every input and ends every
 * target, so the model also learns where words end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { permutation, tensor, type Generator, type Tensor } from '@nn/tensor';

export const DEFAULT_WORDS = '/usr/share/dict/words';
/** Index of the word-boundary symbol. */
export const BOUNDARY = 0;

export interface Words {
  train: string[];
  validation: string[];
  /** Symbols by index: the boundary (shown as '$'), then every character of the list, sorted. */
  vocab: string[];
  /** Index of each character. */
  index: Map<string, number>;
}

/** A problem with the word list that the user can fix (reported without a stack trace). */
export class DataError extends Error {}

/**
 * Reads the word list at `path` (one word per line), keeping `limit` words spread evenly over it (the list is
 * sorted, so the first N would all start alike), and holds out every 10th word for validation.
 */
export function loadWords(path: string, limit: number | null): Words {
  if (!existsSync(path))
    throw new DataError(`word list ${path} not found: install Debian's word list with 'apt-get install wamerican', or pass --words PATH`);
  let words = readFileSync(path, 'utf8').split('\n').map((w) => w.trim()).filter((w) => w !== '');
  if (words.length < 20) throw new DataError(`word list ${path} has ${words.length} words; it needs at least 20`);
  if (limit !== null && limit < words.length) {
    const step = words.length / limit;
    words = Array.from({ length: limit }, (_, i) => words[Math.floor(i * step)]!);
  }
  const chars = [...new Set(words.flatMap((w) => [...w]))].sort();
  const vocab = ['$', ...chars];
  return {
    train: words.filter((_, i) => i % 10 !== 9),
    validation: words.filter((_, i) => i % 10 === 9),
    vocab,
    index: new Map(chars.map((c, i) => [c, i + 1])),
  };
}

/**
 * The cross-entropy in bits per symbol of predicting `validation`'s symbols (characters and word ends) from the
 * character frequencies of `train` alone, with add-one smoothing so that a character unseen in training costs
 * finite bits: the baseline a model that ignores context cannot beat.
 */
export function unigramBits(d: Words): number {
  const counts = new Float64Array(d.vocab.length).fill(1);
  for (const w of d.train) {
    counts[BOUNDARY]!++;
    for (const c of w) counts[d.index.get(c)!]!++;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  let bits = 0;
  let n = 0;
  for (const w of d.validation)
    for (const i of [...[...w].map((c) => d.index.get(c)!), BOUNDARY]) {
      bits -= Math.log2(counts[i]! / total);
      n++;
    }
  return bits / n;
}

/** Symbol indices of N words of one length L, time-major: input `^word` and target `word$`, both [L + 1, N]. */
export interface Batch {
  steps: number;
  n: number;
  input: Int32Array;
  target: Int32Array;
}

/** The batch's input and target as int32 tensors [L + 1, N]. */
export function batchTensors(b: Batch): { input: Tensor; target: Tensor } {
  return { input: tensor(b.input, { shape: [b.steps, b.n] }), target: tensor(b.target, { shape: [b.steps, b.n] }) };
}

/**
 * `words` cut into batches of at most `batchSize` words of equal length, so no padding is needed. With a
 * generator the words are shuffled before cutting and the batches shuffled after; without, the order is fixed.
 */
export function batches(d: Words, words: readonly string[], batchSize: number, g?: Generator): Batch[] {
  const byLength = new Map<number, string[]>();
  const order = g ? permutation(g, words.length) : words.map((_, i) => i);
  for (const i of order) {
    const len = [...words[i]!].length;
    if (!byLength.has(len)) byLength.set(len, []);
    byLength.get(len)!.push(words[i]!);
  }
  const groups: string[][] = [];
  for (const [, ws] of [...byLength].sort(([a], [b]) => a - b))
    for (let i = 0; i < ws.length; i += batchSize) groups.push(ws.slice(i, i + batchSize));
  const shuffled = g ? Array.from(permutation(g, groups.length), (i) => groups[i]!) : groups;
  return shuffled.map((ws) => {
    const n = ws.length;
    const steps = [...ws[0]!].length + 1;
    const input = new Int32Array(steps * n);
    const target = new Int32Array(steps * n);
    ws.forEach((w, j) => {
      const ids = [...w].map((c) => d.index.get(c)!);
      for (let t = 0; t < steps; t++) {
        input[t * n + j] = t === 0 ? BOUNDARY : ids[t - 1]!;
        target[t * n + j] = t === steps - 1 ? BOUNDARY : ids[t]!;
      }
    });
    return { steps, n, input, target };
  });
}
