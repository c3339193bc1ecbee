/**
 * The window kernels of `assembly/windows.ts` (compiled at build time into `windows-wasm.generated.ts`): the
 * MaxPoolIndices scan without branch mispredictions, and Col2Im without the per-run overhead of its TypeScript
 * loops (a run per tap and grid row, ~15 elements each in a typical CNN). Image planes stream through linear memory a block at a
 * time (copy in, scan, copy the indices out). Each function returns false, doing nothing, where the module is
 * unavailable (no WebAssembly, `NN_WASM=0`, or still compiling in a browser), so the caller runs its
 * TypeScript loop instead; both give the same indices.
 *
 * Measured on this project's 2-core x86 machine (Node 20), 2×2 windows with stride 2 of [64, 32, 28, 28]
 * uniform values: 12 ms for the TypeScript scan, whose comparisons mispredict about half the time; 5 ms for the
 * scalar scan here (no branches, but a chain of dependent loads); 2 ms for the SIMD scan of 2×2 windows.
 */
import type { Col2ImAttrs } from '../../../kernels.js';
import { WINDOWS_WASM_BASE64 } from './windows-wasm.generated.js';
import { lazyWasmInstance, reserveMemory } from './load.js';

interface WindowsExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  maxPoolIndices(x: number, planes: number, plane: number, w: number, oh: number, ow: number, dh: number, dw: number, ys: number, xs: number, out: number): void;
  maxPool2x2Indices(x: number, planes: number, plane: number, w: number, oh: number, ow: number, out: number): void;
  col2imChannel(
    cols: number, n: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
    pt: number, pl: number, oh: number, ow: number, out: number,
  ): void;
}

/** Floats of image planes per block: 256 KiB in, plus the indices out, stay in L2. */
const BLOCK = 1 << 16;

const instance = lazyWasmInstance(WINDOWS_WASM_BASE64, (m) => new WebAssembly.Instance(m, {}).exports as unknown as WindowsExports);

function windows(): WindowsExports | null {
  return instance.get();
}

/**
 * out = the MaxPoolIndices of `planes` planes of `plane` floats (rows of `w`) in src, given the per-row and
 * per-column tap tables `ys` [3·oh] and `xs` [3·ow] (see assembly/windows.ts); `twoByTwo` when every window
 * is 2×2 with stride 2 and inside the image, which runs the SIMD scan.
 */
export function wasmMaxPoolIndices(
  src: Float32Array, planes: number, plane: number, w: number, oh: number, ow: number, dh: number, dw: number,
  ys: Int32Array, xs: Int32Array, out: Int32Array, twoByTwo = false,
): boolean {
  const ex = windows();
  if (!ex) return false;
  const per = Math.max(1, Math.floor(BLOCK / plane));
  const grid = oh * ow;
  const ysAt = Math.ceil(ex.heapBase() / 16) * 16;
  const xsAt = ysAt + 4 * ys.length;
  const xAt = Math.ceil((xsAt + 4 * xs.length) / 16) * 16;
  const outAt = xAt + 4 * per * plane;
  reserveMemory(ex.memory, outAt + 4 * per * grid);
  // Views after growing (growth detaches the old buffer).
  const buf = ex.memory.buffer;
  new Int32Array(buf, ysAt, ys.length).set(ys);
  new Int32Array(buf, xsAt, xs.length).set(xs);
  const xIn = new Float32Array(buf, xAt, per * plane);
  const idxOut = new Int32Array(buf, outAt, per * grid);
  for (let p0 = 0; p0 < planes; p0 += per) {
    const count = Math.min(per, planes - p0);
    xIn.set(src.subarray(p0 * plane, (p0 + count) * plane));
    if (twoByTwo) ex.maxPool2x2Indices(xAt, count, plane, w, oh, ow, outAt);
    else ex.maxPoolIndices(xAt, count, plane, w, oh, ow, dh, dw, ysAt, xsAt, outAt);
    out.set(idxOut.subarray(0, count * grid), p0 * grid);
  }
  return true;
}

/**
 * Col2Im (see kernels.ts) of float32 columns [C·kh·kw, N·oh·ow] into `out` (the image, float32, zero or not:
 * every element is written), one channel at a time: its kh·kw column rows, contiguous, are copied in, its N
 * planes computed and copied out. The same additions in the same order as the TypeScript kernel.
 */
export function wasmCol2Im(cols: Float32Array, a: Col2ImAttrs, out: Float32Array): boolean {
  const ex = windows();
  if (!ex) return false;
  const [n, c, h, w] = a.shape;
  const taps = a.kernel[0] * a.kernel[1];
  const rowsLen = taps * n * a.outSize[0] * a.outSize[1];
  const plane = h * w;
  const colsAt = Math.ceil(ex.heapBase() / 16) * 16;
  const outAt = colsAt + 4 * rowsLen;
  reserveMemory(ex.memory, outAt + 4 * n * plane);
  const buf = ex.memory.buffer;
  const colsIn = new Float32Array(buf, colsAt, rowsLen);
  const planes = new Float32Array(buf, outAt, n * plane);
  for (let ch = 0; ch < c; ch++) {
    colsIn.set(cols.subarray(ch * rowsLen, (ch + 1) * rowsLen));
    ex.col2imChannel(colsAt, n, h, w, ...a.kernel, ...a.stride, ...a.dilation, ...a.pad, ...a.outSize, outAt);
    for (let b = 0; b < n; b++) out.set(planes.subarray(b * plane, (b + 1) * plane), (b * c + ch) * plane);
  }
  return true;
}
