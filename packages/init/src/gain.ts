import { describe } from './options.js';

/** Nonlinearity names accepted by `calculateGain` (PyTorch's `nn.functional` names). */
export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

const UNIT_GAIN = new Set([
  'linear', 'identity', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid',
]);
const SUPPORTED = [...UNIT_GAIN, 'tanh', 'relu', 'leaky_relu', 'selu'];

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain` table): the factor by which the
 * activation shrinks the signal's standard deviation, so initializers can compensate.
 *
 * | nonlinearity                     | gain                 |
 * |----------------------------------|----------------------|
 * | linear, identity, conv*, sigmoid | 1                    |
 * | tanh                             | 5/3                  |
 * | relu                             | √2                   |
 * | leaky_relu                       | √(2 / (1 + slope²)), slope = `param` (default 0.01) |
 * | selu                             | 3/4                  |
 *
 * `param` is only read for `leaky_relu`.
 */
export function calculateGain(nonlinearity: Nonlinearity | (string & {}), param?: number): number {
  return gainOf('calculateGain', nonlinearity, param);
}

/** `calculateGain` with errors naming `op`. */
export function gainOf(op: string, nonlinearity: unknown, param?: unknown): number {
  if (typeof nonlinearity !== 'string')
    throw new Error(`${op}: nonlinearity must be a string, got ${describe(nonlinearity)}`);
  if (UNIT_GAIN.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope))
        throw new Error(`${op}: negative slope (param) for 'leaky_relu' must be a number, got ${describe(param)}`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
  }
  throw new Error(`${op}: unsupported nonlinearity '${nonlinearity}' (supported: ${SUPPORTED.join(', ')})`);
}
