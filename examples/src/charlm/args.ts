/** Command-line flags of the character-level language model: defaults, parsing and `--help`. */
import { DEFAULT_WORDS } from './data.js';
import { UsageError } from '../cli.js';

export interface TrainOptions {
  words: string;
  epochs: number;
  hidden: number;
  seed: number;
  /** Use only N words, spread evenly over the list (quick runs). */
  limit: number | null;
}

export const DEFAULTS: TrainOptions = { words: DEFAULT_WORDS, epochs: 2, hidden: 128, seed: 0, limit: null };

export const HELP = `usage: node examples/dist/charlm/train.js [flags]

Trains a character-level language model (Embedding → LSTM → Linear) on a word list, each word read as
^word$, with Adam, cosine learning-rate decay and gradient clipping. Every 10th word is held out; prints the unigram baseline and the
validation loss in bits per character after each epoch, then samples a few new words.

flags:
  --words PATH   word list, one word per line (default ${DEFAULTS.words}, Debian's 'wamerican')
  --epochs N     training epochs (default ${DEFAULTS.epochs})
  --hidden N     LSTM hidden size (default ${DEFAULTS.hidden})
  --seed N       seed of initialisation, shuffling and sampling (default ${DEFAULTS.seed})
  --limit N      use only N words, spread evenly over the list, for a quick run
  --help         show this help

Bad flags exit with status 2.`;

/** A command-line mistake: reported with a hint to --help and exit status 2. */
export { UsageError };

const int = (min: number) => (v: string, flag: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got '${v}'`);
  return n;
};
const text = (v: string, flag: string): string => {
  if (v === '') throw new UsageError(`${flag} needs a non-empty value`);
  return v;
};

const FLAGS: Record<string, [keyof TrainOptions, (v: string, flag: string) => unknown]> = {
  '--words': ['words', text],
  '--epochs': ['epochs', int(1)],
  '--hidden': ['hidden', int(1)],
  '--seed': ['seed', int(0)],
  '--limit': ['limit', int(20)],
};

/** Parses `argv` (without node and the script); returns 'help' for --help. Throws UsageError for bad flags. */
export function parseArgs(argv: readonly string[]): TrainOptions | 'help' {
  const opts: TrainOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[flag];
    if (!spec) throw new UsageError(arg.startsWith('-') ? `unknown flag '${flag}'` : `unexpected argument '${arg}'`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    (opts as unknown as Record<string, unknown>)[spec[0]] = spec[1](value, flag);
  }
  return opts;
}
