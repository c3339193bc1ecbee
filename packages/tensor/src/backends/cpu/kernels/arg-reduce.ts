import { registerKernel } from '../../../kernel-registry.js';
import { reducedShape, sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';

interface ArgReduceAttrs {
  /** null: over the flattened tensor. */
  dim: number | null;
  keepdim: boolean;
}

/**
 * ArgMax/ArgMin → int32 indices along `dim`, viewing the input as [outer, n, inner]. The first index wins on
 * ties, and a NaN counts as beyond every number (the first NaN wins), as in PyTorch.
 */
function argReduce(name: 'ArgMax' | 'ArgMin', isMax: boolean): void {
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [x], attrs, backend }) => {
    const { dim, keepdim } = attrs as ArgReduceAttrs;
    const shape = x!.shape;
    const xs = backend.values(x!);
    const outShape = dim === null ? (keepdim ? shape.map(() => 1) : []) : reducedShape(shape, [dim], keepdim);
    const n = dim === null ? xs.length : shape[dim]!;
    const inner = dim === null ? 1 : sizeOf(shape.slice(dim + 1));
    const outer = dim === null ? 1 : sizeOf(shape.slice(0, dim));
    if (n === 0 && outer * inner > 0) throw new Error(`${name}: cannot reduce over an empty dimension (shape [${shape.join(',')}], dim ${dim})`);
    const out = backend.alloc('int32', outer * inner) as Int32Array;
    if (inner === 1) {
      // Reducing the last dim: a plain scan per output.
      for (let o = 0; o < outer; o++) {
        const base = o * n;
        let b = xs[base]!;
        let at = 0;
        for (let r = 1; r < n; r++) {
          const v = xs[base + r]!;
          if ((isMax ? v > b : v < b) || (v !== v && b === b)) {
            b = v;
            at = r;
          }
        }
        out[o] = at;
      }
      return backend.make(out, outShape, 'int32');
    }
    // Otherwise sweep whole input rows, keeping the best value per output column.
    const best = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      const ob = o * inner;
      for (let j = 0; j < inner; j++) best[j] = xs[base + j]!;
      for (let r = 1; r < n; r++) {
        const p = base + r * inner;
        for (let j = 0; j < inner; j++) {
          const v = xs[p + j]!;
          const b = best[j]!;
          if ((isMax ? v > b : v < b) || (v !== v && b === b)) {
            best[j] = v;
            out[ob + j] = r;
          }
        }
      }
    }
    return backend.make(out, outShape, 'int32');
  });
}
argReduce('ArgMax', true);
argReduce('ArgMin', false);
