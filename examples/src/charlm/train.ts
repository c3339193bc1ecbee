/**
 * Trains a character-level language model (Embedding → LSTM → Linear) on a word list — by default Debian's
 * `wamerican`, /usr/share/dict/words — and reports the validation loss in bits per character against the
 * unigram baseline, then samples new words:
 *
 *   node examples/dist/charlm/train.js [--epochs N] [--hidden N] ... (see --help)
 *
 * Importing this module has no side effects: `main(argv, io)` runs the program, and the CLI entry at the bottom
 * only runs when this file is executed directly.
 */
import {
  Adam, backward, clipGradNorm, CosineAnnealingLR, crossEntropy, div, dispose, Generator, noGrad, reshape, softmax, tensor, tidy, uniformValues,
} from '@nn/all';
import { HELP, parseArgs, UsageError, type TrainOptions } from './args.js';
import { runIfMain } from '../cli.js';
import { batches, batchTensors, BOUNDARY, DataError, loadWords, unigramBits, type Batch, type Words } from './data.js';
import { CharLM, type State } from './model.js';

export interface Io {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

export interface Result {
  unigramBits: number;
  /** Validation bits per character after each epoch. */
  validationBits: number[];
  samples: string[];
  seconds: number;
}

const BATCH_SIZE = 128;
const EMBED = 32;
const LR = 1e-2;
const CLIP = 1;
const SAMPLES = 8;
const TEMPERATURE = 0.8;

/** Mean cross-entropy in bits per predicted symbol (letters and word ends) over `bs`, in evaluation mode. */
function evaluateBits(model: CharLM, bs: readonly Batch[]): number {
  model.eval();
  let nats = 0;
  let symbols = 0;
  noGrad(() => {
    for (const b of bs)
      tidy(() => {
        const { input, target } = batchTensors(b);
        const [logits] = model.forward(input);
        nats += crossEntropy(reshape(logits, [-1, logits.shape[2]!]), reshape(target, [-1]), { reduction: 'sum' }).item() as number;
        symbols += b.steps * b.n;
      });
  });
  model.train();
  return nats / symbols / Math.LN2;
}

/** The index k where the cumulative sum of `p` first exceeds u ∈ [0, 1): a draw from the distribution p. */
function draw(p: Float32Array, u: number): number {
  let acc = 0;
  for (let k = 0; k < p.length; k++) if (u < (acc += p[k]!)) return k;
  return p.length - 1; // the float32 sum fell just short of u
}

/**
 * `n` words drawn one symbol at a time from softmax(logits / temperature), each until its word-end symbol (or 30
 * letters), with the uniforms of `g`.
 */
function sample(model: CharLM, d: Words, n: number, temperature: number, g: Generator): string[] {
  const words = Array.from({ length: n }, () => '');
  const done = new Array<boolean>(n).fill(false);
  let symbols = new Int32Array(n).fill(BOUNDARY);
  let state: State | null = null;
  model.eval();
  try {
    for (let step = 0; step < 30 && done.includes(false); step++) {
      const [probs, next] = noGrad(() =>
        tidy(() => {
          const [logits, next] = model.forward(tensor(symbols, { shape: [1, n] }), state);
          return [softmax(div(reshape(logits, [n, d.vocab.length]), temperature), 1).dataSync() as Float32Array, next] as const;
        }),
      );
      dispose(state);
      state = next;
      const u = uniformValues(g, n);
      symbols = Int32Array.from({ length: n }, (_, i) => draw(probs.subarray(i * d.vocab.length, (i + 1) * d.vocab.length), u[i]!));
      symbols.forEach((k, i) => {
        if (done[i]) return;
        if (k === BOUNDARY) done[i] = true;
        else words[i] += d.vocab[k];
      });
    }
  } finally {
    dispose(state);
    model.train();
  }
  return words;
}

/** Trains and evaluates with the given options, printing progress to `io.out`. */
export function train(o: TrainOptions, io: Io): Result {
  const start = performance.now();
  const say = (line: string) => io.out.write(`${line}\n`);
  const d = loadWords(o.words, o.limit);
  const g = new Generator(o.seed);
  const model = new CharLM({ vocab: d.vocab.length, embed: EMBED, hidden: o.hidden, generator: g });
  const optimizer = new Adam(model.parameters(), { lr: LR });
  const validation = batches(d, d.validation, BATCH_SIZE);
  const steps = o.epochs * batches(d, d.train, BATCH_SIZE).length;
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: steps });
  const baseline = unigramBits(d);
  const nParams = model.parameters().reduce((s, p) => s + p.size, 0);
  say(`${o.words}: ${d.train.length} training / ${d.validation.length} validation words (every 10th held out), ${d.vocab.length} symbols`);
  say(`model Embedding(${d.vocab.length}, ${EMBED}) → LSTM(${EMBED}, ${o.hidden}) → Linear(${o.hidden}, ${d.vocab.length}): ${nParams} parameters, seed ${o.seed}`);
  say(`adam lr ${LR} with cosine decay over ${steps} steps, gradient norm clipped to ${CLIP}, batches of up to ${BATCH_SIZE} words of one length`);
  say(`unigram baseline: ${baseline.toFixed(3)} bits/char`);
  const validationBits: number[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      let nats = 0;
      let symbols = 0;
      for (const b of batches(d, d.train, BATCH_SIZE, g)) {
        const loss = tidy(() => {
          optimizer.zeroGrad();
          const { input, target } = batchTensors(b);
          const [logits] = model.forward(input);
          const loss = crossEntropy(reshape(logits, [-1, d.vocab.length]), reshape(target, [-1]));
          backward(loss);
          clipGradNorm(model.parameters(), CLIP);
          optimizer.step();
          scheduler.step();
          return loss;
        });
        nats += (loss.item() as number) * b.steps * b.n;
        symbols += b.steps * b.n;
        loss.dispose();
      }
      validationBits.push(evaluateBits(model, validation));
      say(
        `epoch ${epoch}/${o.epochs}  train ${(nats / symbols / Math.LN2).toFixed(3)} bits/char  ` +
          `validation ${validationBits.at(-1)!.toFixed(3)} bits/char  ${((performance.now() - t0) / 1000).toFixed(1)}s`,
      );
    }
    const samples = sample(model, d, SAMPLES, TEMPERATURE, g);
    say(`samples (temperature ${TEMPERATURE}): ${samples.join(' ')}`);
    const seconds = (performance.now() - start) / 1000;
    say(`run time: ${seconds.toFixed(1)}s`);
    return { unigramBits: baseline, validationBits, samples, seconds };
  } finally {
    model.dispose();
  }
}

/**
 * The program: parses `argv`, prints help or trains. Returns the exit status — 0 on success, 2 for bad flags, 1
 * for a missing or unusable word list (each with the reason on `io.err`) — and throws on other errors.
 */
export function main(argv: readonly string[], io: Io): number {
  let opts: TrainOptions | 'help';
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(`charlm: ${e.message} (try --help)\n`);
    return 2;
  }
  if (opts === 'help') {
    io.out.write(`${HELP}\n`);
    return 0;
  }
  try {
    train(opts, io);
    return 0;
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    io.err.write(`charlm: ${e.message}\n`);
    return 1;
  }
}

runIfMain(import.meta.url, 'charlm', main);
