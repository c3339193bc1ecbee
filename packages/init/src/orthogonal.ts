import { normalValues, sizeOf, type Tensor } from '@nn/tensor';
import { checkOptions, checkShape, describe, generatorOf, toTensor, type InitOptions } from './options.js';
import { householderQR } from './qr.js';

export interface OrthogonalOptions extends InitOptions {
  /** Scale factor applied to the (semi-)orthogonal matrix (default 1). */
  gain?: number;
}

/**
 * A (semi-)orthogonal matrix (Saxe et al., "Exact solutions to the nonlinear dynamics of learning in deep
 * linear neural networks", 2013), as PyTorch's `orthogonal_`: a rows × cols standard normal matrix
 * (rows = shape[0], cols = the product of the other dims) is factored A = QR, and Q's columns are
 * multiplied by sign(diag R) so that Q is Haar-distributed (Mezzadri 2007). Wide matrices (rows < cols)
 * are factored transposed, so rows are orthonormal then: W·Wᵀ = gain²·I for wide, Wᵀ·W = gain²·I for tall.
 * The QR runs in float64 on the host; the result is reshaped to `shape`.
 */
export function orthogonal(shape: number | readonly number[], opts?: OrthogonalOptions): Tensor {
  const op = 'orthogonal';
  const s = checkShape(op, shape);
  const o = checkOptions(op, opts);
  const gain = o.gain ?? 1;
  if (typeof gain !== 'number' || !Number.isFinite(gain)) throw new Error(`${op}: gain must be a finite number, got ${describe(gain)}`);
  if (s.length < 2) throw new Error(`${op}: shape must have at least 2 dimensions, got [${s.join(',')}]`);
  const size = sizeOf(s);
  if (size === 0) return toTensor(new Float32Array(0), s, o);
  const rows = s[0]!;
  const cols = size / rows;
  const q = orthogonalFromNormal(normalValues(generatorOf(op, o), size), rows, cols);
  for (let i = 0; i < q.length; i++) q[i] *= gain;
  return toTensor(q, s, o);
}

/** The sign-corrected Q factor (rows × cols, row-major) of the row-major matrix `a`, transposing wide ones. */
export function orthogonalFromNormal(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const wide = rows < cols;
  const [m, n] = wide ? [cols, rows] : [rows, cols];
  const { q, rDiag } = householderQR(wide ? transpose(a, rows, cols) : a, m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (rDiag[j]! < 0) q[i * n + j] = -q[i * n + j]!;
  return wide ? transpose(q, m, n) : q;
}

function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}
