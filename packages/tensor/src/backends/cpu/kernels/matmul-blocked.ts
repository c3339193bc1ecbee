/**
 * Cache-blocked, packed single-precision GEMM in plain TypeScript: C[m,n] += A[m,k] · B[k,n].
 *
 * This is the readable reference and the fallback: matmuls run the WebAssembly SIMD port of the same algorithm
 * (assembly/gemm.ts, ~9× faster per thread) where WebAssembly SIMD is available and `NN_WASM` is not `0`.
 *
 * The structure is the GotoBLAS/BLIS one, scaled to what V8 can do with scalar doubles:
 * - the k dimension is cut into blocks of KC and n into blocks of NC; each KC×NC block of B is packed into
 *   NR-wide column panels (row p of a panel is NR consecutive values), so the micro-kernel streams it linearly;
 * - for each MC-row block of A, the MC×KC block is packed into MR-tall row panels the same way;
 * - a register-blocked micro-kernel multiplies one MR×KC panel of A by one KC×NR panel of B into MR×NR local
 *   accumulators, and the caller adds that tile into C.
 * The packed panels are Float64Array: V8 computes in doubles anyway, so packing converts each float once and
 * the inner loop does plain double loads instead of a float→double conversion per load. Accumulating in
 * doubles over a whole KC block also makes the result more accurate than a float32 dot product.
 *
 * Transposed operands cost nothing extra: every operand is addressed through (row stride, column stride), and
 * only the packing loops read through them; the micro-kernel always sees the same packed layout. A product with a
 * single row or column (m = 1 or n = 1) skips packing and runs as a matrix-vector product (`gemv`).
 *
 * Measured on this project's 2-core x86 machine (Node 20): the 3×4 micro-tile below beat 4×4, 4×8, 8×4, 2×8,
 * 5×4 and 6×4 (more accumulators spill to the stack; fewer issue more loads per flop), and unrolling the k loop
 * made it slower (register pressure). It runs at ~90% of what V8's scalar multiply-add throughput allows on
 * that machine (measured without any loads), so block sizes matter little; KC = 256 keeps an A panel (6 KiB)
 * and a B panel (8 KiB) in L1 and the packed A block (126 KiB) in L2.
 *
 * Every function here refers only to its arguments and to the other functions here (no module-level state,
 * constants or imports), because `matmul-threads.ts` ships their source text to worker threads.
 */

/** One operand: elements at `data[offset + i * rowStride + j * colStride]`. */
export interface MatrixView {
  data: Float32Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** Packing buffers, grown on demand and reused across calls so a matmul allocates only its output. */
export interface GemmScratch {
  packA: Float64Array;
  packB: Float64Array;
  tile: Float64Array;
  /** Accumulators of the matrix-vector path. */
  acc: Float64Array;
}

export function newGemmScratch(): GemmScratch {
  return { packA: new Float64Array(0), packB: new Float64Array(0), tile: new Float64Array(12), acc: new Float64Array(0) };
}

/**
 * C += A · B where A is m×k, B is k×n and C is row-major m×n at `c[cOffset + i * ldc + j]`.
 * C must be zero-filled by the caller for a plain product.
 */
export function gemm(
  m: number, n: number, k: number, a: MatrixView, b: MatrixView, c: Float32Array, cOffset: number, ldc: number, scratch: GemmScratch,
): void {
  // MR × NR is the micro-tile (fixed by microKernel3x4); KC, MC, NC are the block sizes described above.
  const MR = 3, NR = 4, KC = 256, MC = 63, NC = 1024;
  if (m === 0 || n === 0 || k === 0) return;
  // A single row or column would waste most of a padded micro-tile: compute it as a matrix-vector product.
  if (m === 1) {
    const bt = { data: b.data, offset: b.offset, rowStride: b.colStride, colStride: b.rowStride };
    gemv(n, k, bt, a.data, a.offset, a.colStride, c, cOffset, 1, scratch);
    return;
  }
  if (n === 1) {
    gemv(m, k, a, b.data, b.offset, b.rowStride, c, cOffset, ldc, scratch);
    return;
  }
  const kcMax = Math.min(KC, k);
  const bSize = kcMax * Math.min(NC, Math.ceil(n / NR) * NR);
  const aSize = kcMax * Math.min(MC, Math.ceil(m / MR) * MR);
  if (scratch.packB.length < bSize) scratch.packB = new Float64Array(bSize);
  if (scratch.packA.length < aSize) scratch.packA = new Float64Array(aSize);
  const { packA: Ap, packB: Bp, tile } = scratch;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanels(Bp, b, pc, jc, kc, nc, NR, true);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanels(Ap, a, ic, pc, mc, kc, MR, false);
        // The B panel (jr) stays in L1 while the A panels of this block stream past it.
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel3x4(kc, Ap, ir * kc, Bp, jr * kc, tile);
            addTile(c, cOffset + (ic + ir) * ldc + jc + jr, ldc, tile, Math.min(MR, mc - ir), nr);
          }
        }
      }
    }
  }
}

/**
 * Packs a block of `src` into `width`-wide panels, zero-padding the last panel.
 *
 * For B (`alongCols`): the rows×cols block at (r0, c0) becomes ⌈cols/width⌉ panels; panel q holds
 * B[r0+p, c0+q·width+j] at `(q·rows + p)·width + j`. For A: the rows×cols block becomes ⌈rows/width⌉ panels;
 * panel q holds A[r0+q·width+i, c0+p] at `(q·cols + p)·width + i`. Either way the micro-kernel reads `width`
 * consecutive values per step of p.
 */
function packPanels(
  dst: Float64Array, src: MatrixView, r0: number, c0: number, rows: number, cols: number, width: number, alongCols: boolean,
): void {
  const data = src.data;
  // `depth` is the dimension shared with the other operand (k); `span` is the one cut into panels.
  const depth = alongCols ? rows : cols;
  const span = alongCols ? cols : rows;
  const depthStride = alongCols ? src.rowStride : src.colStride;
  const spanStride = alongCols ? src.colStride : src.rowStride;
  const base = src.offset + r0 * src.rowStride + c0 * src.colStride;
  for (let q0 = 0; q0 < span; q0 += width) {
    const w = Math.min(width, span - q0);
    let o = q0 * depth;
    let s = base + q0 * spanStride;
    for (let p = 0; p < depth; p++, s += depthStride) {
      let t = s;
      for (let j = 0; j < w; j++, t += spanStride) dst[o + j] = data[t];
      for (let j = w; j < width; j++) dst[o + j] = 0;
      o += width;
    }
  }
}

/**
 * out = A panel (3×kc) · B panel (kc×4). Twelve accumulators plus the four B values and one A value at a time
 * fit V8's 16 XMM registers with little spilling; each step of p loads 3 + 4 values for 24 flops. Loading each
 * A value just before its row of updates (rather than all loads first) measured ~5% faster, as did this 3×4
 * tile over 4×4 (16 accumulators spill), 2×8, 5×4 and 4×8.
 */
function microKernel3x4(kc: number, Ap: Float64Array, aOff: number, Bp: Float64Array, bOff: number, out: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let bi = bOff;
  const end = aOff + 3 * kc;
  for (let ai = aOff; ai < end; ai += 3, bi += 4) {
    const b0 = Bp[bi], b1 = Bp[bi + 1], b2 = Bp[bi + 2], b3 = Bp[bi + 3];
    const a0 = Ap[ai];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    const a1 = Ap[ai + 1];
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    const a2 = Ap[ai + 2];
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  out[0] = c00; out[1] = c01; out[2] = c02; out[3] = c03;
  out[4] = c10; out[5] = c11; out[6] = c12; out[7] = c13;
  out[8] = c20; out[9] = c21; out[10] = c22; out[11] = c23;
}

/** C[r, c] += tile[r, c] (a 3×4 tile) for the mr×nr corner that lies inside C: edge tiles are partly padding. */
function addTile(c: Float32Array, cOff: number, ldc: number, tile: Float64Array, mr: number, nr: number): void {
  for (let i = 0; i < mr; i++) {
    const row = cOff + i * ldc;
    for (let j = 0; j < nr; j++) c[row + j] += tile[i * 4 + j];
  }
}

/**
 * y[r·yStride] += Σ_p M[r, p] · x[p·xStride] for the rows×depth matrix M, accumulating in doubles. Rows of M
 * that are contiguous are walked as dot products; otherwise M is swept column by column (each column
 * contiguous), adding x[p]·M[:, p] into per-row accumulators, so memory is always read in order.
 */
function gemv(
  rows: number, depth: number, M: MatrixView, x: Float32Array, xOff: number, xStride: number,
  y: Float32Array, yOff: number, yStride: number, scratch: GemmScratch,
): void {
  const data = M.data;
  if (M.colStride === 1) {
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      let s = M.offset + r * M.rowStride;
      let t = xOff;
      for (let p = 0; p < depth; p++, s++, t += xStride) sum += data[s] * x[t];
      y[yOff + r * yStride] += sum;
    }
    return;
  }
  if (scratch.acc.length < rows) scratch.acc = new Float64Array(rows);
  const acc = scratch.acc;
  acc.fill(0, 0, rows);
  for (let p = 0; p < depth; p++) {
    const xv = x[xOff + p * xStride];
    let s = M.offset + p * M.colStride;
    for (let r = 0; r < rows; r++, s += M.rowStride) acc[r] += xv * data[s];
  }
  for (let r = 0; r < rows; r++) y[yOff + r * yStride] += acc[r];
}

/**
 * The GEMM calls of one matmul: operand strides shared by all, and per task the block size and where its A, B
 * and C start. `tasks` is flat: [m, n, aOffset, bOffset, cOffset] per task.
 */
export interface GemmJob {
  k: number;
  ldc: number;
  aRowStride: number;
  aColStride: number;
  bRowStride: number;
  bColStride: number;
  tasks: number[];
}

/** Runs every task of `job`. */
export function runGemmTasks(job: GemmJob, a: Float32Array, b: Float32Array, c: Float32Array, scratch: GemmScratch): void {
  const A = { data: a, offset: 0, rowStride: job.aRowStride, colStride: job.aColStride };
  const B = { data: b, offset: 0, rowStride: job.bRowStride, colStride: job.bColStride };
  const t = job.tasks;
  for (let i = 0; i < t.length; i += 5) {
    A.offset = t[i + 2]!;
    B.offset = t[i + 3]!;
    gemm(t[i]!, t[i + 1]!, job.k, A, B, c, t[i + 4]!, job.ldc, scratch);
  }
}

/**
 * Runs chunks of `job` (each a task list) claimed one at a time from the counter `claim[index]`, until none are
 * left. Every thread of a threaded matmul runs this on the same chunks and counter, so faster threads simply
 * take more chunks.
 */
export function runGemmChunks(
  job: GemmJob, chunks: number[][], claim: Int32Array, index: number,
  a: Float32Array, b: Float32Array, c: Float32Array, scratch: GemmScratch,
): void {
  for (let i = Atomics.add(claim, index, 1); i < chunks.length; i = Atomics.add(claim, index, 1))
    runGemmTasks({ ...job, tasks: chunks[i]! }, a, b, c, scratch);
}

/** The functions above, for building the worker source (see matmul-threads.ts). */
export const GEMM_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [
  runGemmChunks, runGemmTasks, gemm, gemv, newGemmScratch, packPanels, microKernel3x4, addTile,
];
