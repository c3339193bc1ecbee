/**
 * Packed single-precision GEMM in WebAssembly SIMD (AssemblyScript): C[m,n] += A[m,k] · B[k,n].
 *
 * The same GotoBLAS/BLIS structure as the TypeScript reference (src/backends/cpu/kernels/matmul-blocked.ts),
 * with f32x4 vectors instead of scalar doubles:
 * - k is cut into blocks of KC and n into blocks of NC; each KC×NC block of B is packed into NR-wide column
 *   panels (row p of a panel is NR = 8 consecutive floats, two vectors);
 * - each MC×KC block of A is packed into MR-tall row panels (row p of a panel is MR = 4 consecutive floats);
 * - the micro-kernel multiplies one MR×KC A panel by one KC×NR B panel into 8 f32x4 accumulators (4 rows × 2
 *   vectors): per step of p it loads two B vectors, splats each A value (`v128.load32_splat`) and does 8
 *   multiply-adds. Measured on this project's 2-core x86 machine (Node 20): 4×8 ran at ~57 GFLOP/s on one core
 *   (near the 16 flops/cycle of two 128-bit multiplies and two adds per cycle), 6×8 at ~31, 8×8, 4×12 and
 *   3×16 at 15–30: with more accumulators V8's register allocator spills to the stack inside the loop.
 * Plain SIMD128 `f32x4.mul` + `f32x4.add` (relaxed-SIMD FMA is not available everywhere), accumulating in
 * float32 within a KC block, then added into C: each output element is the same sequence of float32
 * operations wherever its tile lies (lanes are independent), so splitting m or n across threads changes no bit.
 *
 * Memory: the caller (src/backends/cpu/wasm/gemm-wasm.ts) lays out operands, output and `scratch` (of
 * `scratchBytes()` bytes) in linear memory and grows it; this module allocates nothing (runtime stub).
 * Pointers are byte addresses; strides count elements. A row or column vector (m = 1 or n = 1) skips packing
 * and runs as a matrix-vector product (`gemv`).
 */

/** Micro-tile: MR rows × NR columns (fixed by `microKernel`). */
const MR: i32 = 4;
const NR: i32 = 8;
/**
 * Block sizes: a KC×NR B panel (8 KiB) and an MR×KC A panel (4 KiB) stay in L1, the MC×KC A block (96 KiB)
 * in L2; the KC×NC B block (1 MiB) is packed once per KC block for up to NC columns.
 */
const KC: i32 = 256;
const MC: i32 = 96;
const NC: i32 = 1024;
/** Rows of a strided matrix-vector product accumulated at once (16 KiB of accumulators). */
const GEMV_ROWS: i32 = 4096;

const PACK_A_BYTES: usize = <usize>(MC * KC) << 2;
const PACK_B_BYTES: usize = <usize>(KC * NC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;

/** Bytes of scratch memory `gemm` needs: packed A block, packed B block and one edge tile. */
export function scratchBytes(): usize {
  return PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;
}

/** First free byte after this module's static data: the caller's layout starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Byte offset of element `i` (elements are 4 bytes). */
// @ts-ignore: decorator
@inline function at(i: i32): usize {
  return <usize>i << 2;
}

/**
 * C += A · B for the m×k matrix A (element (i, p) at `a + 4·(i·aRs + p·aCs)`), the k×n matrix B likewise, and
 * row-major C with leading dimension `ldc`. C must be zero-filled by the caller for a plain product.
 */
export function gemm(
  m: i32, n: i32, k: i32, a: usize, aRs: i32, aCs: i32, b: usize, bRs: i32, bCs: i32, c: usize, ldc: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  // A single row or column would waste most of a padded micro-tile: compute it as a matrix-vector product.
  if (m == 1) {
    gemv(n, k, b, bCs, bRs, a, aCs, c, 1, scratch);
    return;
  }
  if (n == 1) {
    gemv(m, k, a, aRs, aCs, b, bRs, c, ldc, scratch);
    return;
  }
  const packA = scratch;
  const packB = scratch + PACK_A_BYTES;
  const tile = packB + PACK_B_BYTES;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB_(packB, b + at(pc * bRs + jc * bCs), bRs, bCs, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA_(packA, a + at(ic * aRs + pc * aCs), aRs, aCs, mc, kc);
        // The B panel (jr) stays in L1 while the A panels of this block stream past it.
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packB + at(jr * kc);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, packA + at(ir * kc), bp, c + at((ic + ir) * ldc + jc + jr), ldc, min(MR, mc - ir), nr, tile);
          }
        }
      }
    }
  }
}

/**
 * Packs the kc×nc block of B at `src` into NR-wide panels, zero-padding the last: panel q holds
 * B[p, q·NR + j] at float index (q·kc + p)·NR + j.
 */
function packB_(dst: usize, src: usize, rs: i32, cs: i32, kc: i32, nc: i32): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    let d = dst + at(j0 * kc);
    let s = src + at(j0 * cs);
    if (w == NR && cs == 1) {
      const step = at(rs);
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += NR << 2;
        s += step;
      }
    } else {
      // Column by column: each column of B is read in order (it is contiguous when B is transposed).
      for (let j = 0; j < NR; j++) {
        let dj = d + at(j);
        if (j < w) {
          let sj = s + at(j * cs);
          const step = at(rs);
          for (let p = 0; p < kc; p++) {
            store<f32>(dj, load<f32>(sj));
            dj += NR << 2;
            sj += step;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(dj, 0);
            dj += NR << 2;
          }
        }
      }
    }
  }
}

/**
 * Packs the mc×kc block of A at `src` into MR-tall panels, zero-padding the last: panel q holds
 * A[q·MR + i, p] at float index (q·kc + p)·MR + i.
 */
function packA_(dst: usize, src: usize, rs: i32, cs: i32, mc: i32, kc: i32): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = min(MR, mc - i0);
    const d0 = dst + at(i0 * kc);
    // Row by row: each row of A is read in order (it is contiguous unless A is transposed).
    for (let i = 0; i < MR; i++) {
      let d = d0 + at(i);
      if (i < h) {
        let s = src + at((i0 + i) * rs);
        const step = at(cs);
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(s));
          d += MR << 2;
          s += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          store<f32>(d, 0);
          d += MR << 2;
        }
      }
    }
  }
}

/**
 * C[0..mr, 0..nr] += A panel (MR×kc) · B panel (kc×NR). A full tile is added into C with vector loads and
 * stores; an edge tile (mr < MR or nr < NR: partly padding) goes through `tile` and only its valid corner is
 * added, element by element, with the same float32 addition.
 */
// @ts-ignore: decorator
@inline function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    ap += MR << 2;
    bp += NR << 2;
  }
  if (mr == MR && nr == NR) {
    const ld = at(ldc);
    let r = c;
    v128.store(r, f32x4.add(v128.load(r), c00));
    v128.store(r, f32x4.add(v128.load(r, 16), c01), 16);
    r += ld;
    v128.store(r, f32x4.add(v128.load(r), c10));
    v128.store(r, f32x4.add(v128.load(r, 16), c11), 16);
    r += ld;
    v128.store(r, f32x4.add(v128.load(r), c20));
    v128.store(r, f32x4.add(v128.load(r, 16), c21), 16);
    r += ld;
    v128.store(r, f32x4.add(v128.load(r), c30));
    v128.store(r, f32x4.add(v128.load(r, 16), c31), 16);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let i = 0; i < mr; i++) {
    const row = c + at(i * ldc);
    const t = tile + at(i * NR);
    for (let j = 0; j < nr; j++) store<f32>(row + at(j), load<f32>(row + at(j)) + load<f32>(t + at(j)));
  }
}

/**
 * y[r·ys] += Σ_p M[r, p] · x[p·xs] for the rows×depth matrix M (element (r, p) at `mat + 4·(r·rs + p·cs)`).
 * Contiguous rows (cs = 1) are dot products with four vector accumulators; contiguous columns (rs = 1) are
 * swept in order, adding x[p]·M[:, p] into accumulators in `scratch`, GEMV_ROWS rows at a time; any other
 * layout is a plain scalar loop. Each output's summation order depends only on its own row, not on `rows`.
 */
function gemv(rows: i32, depth: i32, mat: usize, rs: i32, cs: i32, x: usize, xs: i32, y: usize, ys: i32, scratch: usize): void {
  if (cs == 1 && xs == 1) {
    for (let r = 0; r < rows; r++) {
      const row = mat + at(r * rs);
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
      let p = 0;
      for (; p + 16 <= depth; p += 16) {
        const o = at(p);
        s0 = f32x4.add(s0, f32x4.mul(v128.load(row + o), v128.load(x + o)));
        s1 = f32x4.add(s1, f32x4.mul(v128.load(row + o, 16), v128.load(x + o, 16)));
        s2 = f32x4.add(s2, f32x4.mul(v128.load(row + o, 32), v128.load(x + o, 32)));
        s3 = f32x4.add(s3, f32x4.mul(v128.load(row + o, 48), v128.load(x + o, 48)));
      }
      for (; p + 4 <= depth; p += 4) s0 = f32x4.add(s0, f32x4.mul(v128.load(row + at(p)), v128.load(x + at(p))));
      const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
      let sum = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
      for (; p < depth; p++) sum += load<f32>(row + at(p)) * load<f32>(x + at(p));
      const yr = y + at(r * ys);
      store<f32>(yr, load<f32>(yr) + sum);
    }
    return;
  }
  if (rs == 1) {
    for (let r0 = 0; r0 < rows; r0 += GEMV_ROWS) {
      const count = min(GEMV_ROWS, rows - r0);
      memory.fill(scratch, 0, at(count));
      for (let p = 0; p < depth; p++) {
        const xv = load<f32>(x + at(p * xs));
        const xx = f32x4.splat(xv);
        const col = mat + at(p * cs + r0);
        let r = 0;
        for (; r + 4 <= count; r += 4) {
          const acc = scratch + at(r);
          v128.store(acc, f32x4.add(v128.load(acc), f32x4.mul(xx, v128.load(col + at(r)))));
        }
        for (; r < count; r++) {
          const acc = scratch + at(r);
          store<f32>(acc, load<f32>(acc) + xv * load<f32>(col + at(r)));
        }
      }
      for (let r = 0; r < count; r++) {
        const yr = y + at((r0 + r) * ys);
        store<f32>(yr, load<f32>(yr) + load<f32>(scratch + at(r)));
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let sum: f32 = 0;
    for (let p = 0; p < depth; p++) sum += load<f32>(mat + at(r * rs + p * cs)) * load<f32>(x + at(p * xs));
    const yr = y + at(r * ys);
    store<f32>(yr, load<f32>(yr) + sum);
  }
}
