/**
 * The window kernels of `assembly/windows.ts` (compiled at build time into `windows-wasm.generated.ts`): the
 * MaxPoolIndices scan without branch mispredictions, and Col2Im without the per-run overhead of its TypeScript
 * loops (a run per tap and grid row, ~15 elements each in a typical CNN). Inputs and outputs in the CPU backend's
 * heap (heap.ts) are used in place; others stream through linear memory a block at a time (copy in, scan, copy
 * out). Each function returns false, doing nothing, where the module is
 * unavailable (no WebAssembly, `NN_WASM=0`, or still compiling in a browser), so the caller runs its
 * TypeScript loop instead; both give the same indices.
 *
 * Measured on this project's 2-core x86 machine (Node 20), 2×2 windows with stride 2 of [64, 32, 28, 28]
 * uniform values: 12 ms for the TypeScript scan, whose comparisons mispredict about half the time; 5 ms for the
 * scalar scan here (no branches, but a chain of dependent loads); 2 ms for the SIMD scan of 2×2 windows.
 */
import type { Col2ImAttrs } from '../../../kernels.js';
import { WINDOWS_WASM_BASE64, WINDOWS_WASM_SHARED_BASE64 } from './windows-wasm.generated.js';
import { heapAddress } from './heap.js';
import { lazyWasmInstance, type KernelInstance } from './load.js';

interface WindowsExports {
  maxPoolIndices(x: number, planes: number, plane: number, w: number, oh: number, ow: number, dh: number, dw: number, ys: number, xs: number, out: number): void;
  maxPool2x2Indices(x: number, planes: number, plane: number, w: number, oh: number, ow: number, out: number): void;
  col2imChannel(
    cols: number, n: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
    pt: number, pl: number, oh: number, ow: number, out: number,
  ): void;
}

/** Floats of image planes per block: 256 KiB in, plus the indices out, stay in L2. */
const BLOCK = 1 << 16;

const instance = lazyWasmInstance<WindowsExports, KernelInstance<WindowsExports>>({ own: WINDOWS_WASM_BASE64, shared: WINDOWS_WASM_SHARED_BASE64 }, (k) => k);

function windows(): KernelInstance<WindowsExports> | null {
  return instance.get();
}

/** x's byte address where it lies in the heap and the module runs on it, else -1. */
function addressOf(k: KernelInstance<WindowsExports>, x: Float32Array | Int32Array): number {
  return k.onHeap ? heapAddress(x) : -1;
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
  const k = windows();
  if (!k) return false;
  const ex = k.ex;
  const [srcAt, outHeapAt] = [addressOf(k, src), addressOf(k, out)];
  const per = srcAt >= 0 && outHeapAt >= 0 ? planes : Math.max(1, Math.floor(BLOCK / plane));
  const grid = oh * ow;
  // Workspace: the tap tables, then (unless in place) a block of planes in and of indices out.
  const xsOff = 4 * ys.length;
  const xOff = Math.ceil((xsOff + 4 * xs.length) / 16) * 16;
  const outOff = xOff + (srcAt >= 0 ? 0 : 4 * per * plane);
  const base = k.workspace(outOff + (outHeapAt >= 0 ? 0 : 4 * per * grid));
  if (base < 0) return false; // a full heap: the TypeScript kernel
  // Views after the workspace call (growing a module's own memory detaches its old buffer).
  const buf = k.memory.buffer;
  new Int32Array(buf, base, ys.length).set(ys);
  new Int32Array(buf, base + xsOff, xs.length).set(xs);
  const xIn = new Float32Array(buf, base + xOff, srcAt >= 0 ? 0 : per * plane);
  const idxOut = new Int32Array(buf, base + outOff, outHeapAt >= 0 ? 0 : per * grid);
  for (let p0 = 0; p0 < planes; p0 += per) {
    const count = Math.min(per, planes - p0);
    let xAt = srcAt + 4 * p0 * plane;
    if (srcAt < 0) {
      xIn.set(src.subarray(p0 * plane, (p0 + count) * plane));
      xAt = base + xOff;
    }
    const oAt = outHeapAt >= 0 ? outHeapAt + 4 * p0 * grid : base + outOff;
    if (twoByTwo) ex.maxPool2x2Indices(xAt, count, plane, w, oh, ow, oAt);
    else ex.maxPoolIndices(xAt, count, plane, w, oh, ow, dh, dw, base, base + xsOff, oAt);
    if (outHeapAt < 0) out.set(idxOut.subarray(0, count * grid), p0 * grid);
  }
  return true;
}

/**
 * Col2Im (see kernels.ts) of float32 columns [C·kh·kw, N·oh·ow] into `out` (the image, float32, zero or not:
 * every element is written), one channel at a time: its kh·kw column rows, contiguous, are copied in, its N
 * planes computed and copied out. The same additions in the same order as the TypeScript kernel.
 */
export function wasmCol2Im(cols: Float32Array, a: Col2ImAttrs, out: Float32Array): boolean {
  const k = windows();
  if (!k) return false;
  const [n, c, h, w] = a.shape;
  const taps = a.kernel[0] * a.kernel[1];
  const rowsLen = taps * n * a.outSize[0] * a.outSize[1];
  const plane = h * w;
  // The columns in place where they lie in the heap; a channel's planes (strided in `out`) always via the workspace.
  const colsHeapAt = addressOf(k, cols);
  const outOff = colsHeapAt >= 0 ? 0 : 4 * rowsLen;
  const base = k.workspace(outOff + 4 * n * plane);
  if (base < 0) return false;
  const buf = k.memory.buffer;
  const colsIn = new Float32Array(buf, base, colsHeapAt >= 0 ? 0 : rowsLen);
  const planes = new Float32Array(buf, base + outOff, n * plane);
  for (let ch = 0; ch < c; ch++) {
    let colsAt = colsHeapAt + 4 * ch * rowsLen;
    if (colsHeapAt < 0) {
      colsIn.set(cols.subarray(ch * rowsLen, (ch + 1) * rowsLen));
      colsAt = base;
    }
    k.ex.col2imChannel(colsAt, n, h, w, ...a.kernel, ...a.stride, ...a.dilation, ...a.pad, ...a.outSize, base + outOff);
    for (let b = 0; b < n; b++) out.set(planes.subarray(b * plane, (b + 1) * plane), (b * c + ch) * plane);
  }
  return true;
}
