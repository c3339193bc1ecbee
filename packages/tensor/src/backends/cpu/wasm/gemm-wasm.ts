/**
 * The WebAssembly SIMD GEMM: `assembly/gemm.ts`, compiled at build time by `scripts/build-wasm.mjs` into
 * `gemm-wasm.generated.ts` (base64). This file loads it and runs GemmJobs (see matmul-blocked.ts) through it.
 *
 * Loading (`wasmGemm`): skipped when the environment variable `NN_WASM` is `0` (the TypeScript GEMM then runs
 * everywhere); otherwise the bytes are checked with `WebAssembly.validate` — the module itself is the feature
 * probe, so an engine without SIMD128 (or without WebAssembly) falls back to TypeScript — and compiled
 * (load.ts: synchronously, or asynchronously on a browser's main thread, using TypeScript until it is ready).
 *
 * Two builds of the same source: where the CPU backend has its heap (heap.ts: a shared `WebAssembly.Memory`
 * holding tensor storage; Node, cross-origin-isolated pages) the one that imports it, so the operands are read
 * where they lie, the product is written straight into the output tensor's storage, and worker threads
 * instantiate the module on the same memory and work in place too (matmul-threads.ts); elsewhere the one with
 * its own memory.
 *
 * Memory: the module allocates nothing. On the heap, each thread's scratch area is a heap block reserved for
 * good, an operand outside the heap (a user's array) is copied into a temporary heap block, and C is a new
 * zero-filled heap array that becomes the output. On its own memory, a job copies its operands whole into
 * linear memory, laid out as [scratch | A | B | C] (16-byte aligned) and grown as needed (it never shrinks, so
 * later calls of the same size reuse it); C is zero-filled, and the caller copies it out. Every task adds its
 * product into its block of C in place.
 *
 * `instantiateGemmWasm`, `runWasmGemmTasks` and `runWasmGemmChunks` refer only to their arguments and to each
 * other (no imports or module-level state), because `matmul-threads.ts` ships their source text to workers.
 */
import type { GemmJob } from '../kernels/matmul-blocked.js';
import { GEMM_WASM_BASE64, GEMM_WASM_SHARED_BASE64 } from './gemm-wasm.generated.js';
import { allocArray, allocHeap, freeHeap, heapAddress, heapMemory, releaseArray } from './heap.js';
import { compileWasm, decodeBase64, wasmEnabled } from './load.js';

/** What assembly/gemm.ts exports. Addresses are byte offsets into linear memory; strides count elements. */
export interface GemmWasmExports {
  heapBase(): number;
  scratchBytes(): number;
  gemm(m: number, n: number, k: number, a: number, aRs: number, aCs: number, b: number, bRs: number, bCs: number, c: number, ldc: number, scratch: number): void;
}

/** Where the current job lies in linear memory (byte addresses of A, B and C). */
export interface GemmLayout {
  a: number;
  b: number;
  c: number;
}

/** One instance: its memory, the scratch area of the thread that owns it, and the current job's layout. */
export interface WasmGemm extends GemmLayout {
  exports: GemmWasmExports;
  memory: WebAssembly.Memory;
  /** Whether `memory` is the shared heap (the build that worker threads can instantiate on the same memory). */
  shared: boolean;
  /** Byte address of this thread's scratch area (see instantiateGemmWasm). */
  scratch: number;
  /** On the heap: the current job's output (C, in place), and the temporary operand copies [address, bytes]. */
  out: Float32Array | null;
  temps: number[];
}

/**
 * Instantiates the compiled GEMM module: on `memory` when given (the shared build), else on its own memory.
 * `scratch` is the byte address of this thread's scratch area (a heap block), or -1 for the bottom of memory
 * (just above the module's static data: its own memory, or a private one).
 */
export function instantiateGemmWasm(module: WebAssembly.Module, memory: WebAssembly.Memory | null, scratch: number): WasmGemm {
  const instance = new WebAssembly.Instance(module, memory ? { env: { memory } } : {});
  const exports = instance.exports as unknown as GemmWasmExports;
  const at = scratch >= 0 ? scratch : Math.ceil(exports.heapBase() / 16) * 16;
  return {
    exports, memory: memory ?? (instance.exports.memory as WebAssembly.Memory), shared: memory !== null, scratch: at,
    a: 0, b: 0, c: 0, out: null, temps: [],
  };
}

/**
 * Readies a job with operands `a` and `b` and an output of `cLen` floats (zero-filled C). On the heap: the
 * operands where they lie (or copied into temporary heap blocks) and C a new heap array. On its own memory: the
 * layout above, grown as needed. Returns false (changing nothing) when there is no room: the heap is full, or
 * own memory would pass 2 GiB — the most a 32-bit address passed through a JS number to an i32 parameter can
 * reach safely — or growing fails.
 */
export function loadWasmGemmOperands(w: WasmGemm, a: Float32Array, b: Float32Array, cLen: number): boolean {
  if (w.shared) return stageOnHeap(w, a, b, cLen);
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const ex = w.exports;
  const aAt = align(ex.heapBase()) + align(ex.scratchBytes());
  const bAt = align(aAt + 4 * a.length);
  const cAt = align(bAt + 4 * b.length);
  const end = cAt + 4 * cLen;
  if (end > 2 ** 31) return false;
  const have = w.memory.buffer.byteLength;
  if (end > have) {
    try {
      w.memory.grow(Math.ceil((end - have) / 65536));
    } catch {
      return false;
    }
  }
  w.a = aAt;
  w.b = bAt;
  w.c = cAt;
  const buffer = w.memory.buffer;
  new Float32Array(buffer, aAt, a.length).set(a);
  new Float32Array(buffer, bAt, b.length).set(b);
  new Float32Array(buffer, cAt, cLen).fill(0);
  return true;
}

/** Runs every task of `job` on the loaded operands, adding each product into its block of C in linear memory. */
export function runWasmGemmTasks(w: WasmGemm, job: GemmJob): void {
  const t = job.tasks;
  for (let i = 0; i < t.length; i += 5) {
    w.exports.gemm(
      t[i]!, t[i + 1]!, job.k,
      w.a + 4 * t[i + 2]!, job.aRowStride, job.aColStride,
      w.b + 4 * t[i + 3]!, job.bRowStride, job.bColStride,
      w.c + 4 * t[i + 4]!, job.ldc, w.scratch,
    );
  }
}

/**
 * Runs chunks of `job` (each a task list) claimed one at a time from the counter `claim[index]`, as
 * `runGemmChunks` does for the TypeScript GEMM, on operands another thread loaded into the shared memory at
 * `layout`.
 */
export function runWasmGemmChunks(w: WasmGemm, layout: GemmLayout, job: GemmJob, chunks: number[][], claim: Int32Array, index: number): void {
  w.a = layout.a;
  w.b = layout.b;
  w.c = layout.c;
  for (let i = Atomics.add(claim, index, 1); i < chunks.length; i = Atomics.add(claim, index, 1))
    runWasmGemmTasks(w, { ...job, tasks: chunks[i]! });
}

/** The functions above that workers run, for building their source (see matmul-threads.ts). */
export const WASM_GEMM_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [instantiateGemmWasm, runWasmGemmTasks, runWasmGemmChunks];

/** The heap path of loadWasmGemmOperands. */
function stageOnHeap(w: WasmGemm, a: Float32Array, b: Float32Array, cLen: number): boolean {
  const temps: number[] = [];
  // Empty operands and outputs are never touched: any address does.
  const place = (x: Float32Array) => {
    if (x.length === 0) return 0;
    const at = heapAddress(x);
    if (at >= 0) return at;
    const t = allocHeap(x.byteLength);
    if (t >= 0) {
      new Float32Array(w.memory.buffer, t, x.length).set(x);
      temps.push(t, x.byteLength);
    }
    return t;
  };
  const [aAt, bAt] = [place(a), place(b)];
  const out = allocArray('float32', cLen) as Float32Array;
  const cAt = cLen === 0 ? 0 : heapAddress(out);
  if (aAt < 0 || bAt < 0 || cAt < 0) {
    for (let i = 0; i < temps.length; i += 2) freeHeap(temps[i]!, temps[i + 1]!);
    releaseArray(out);
    return false;
  }
  Object.assign(w, { a: aAt, b: bAt, c: cAt, out, temps });
  return true;
}

/** The job's output: on the heap, C itself (its temporary copies freed); else C copied out of linear memory. */
export function wasmGemmOutput(w: WasmGemm, cLen: number): Float32Array {
  const out = w.out;
  if (!out) return new Float32Array(w.memory.buffer, w.c, cLen).slice();
  for (let i = 0; i < w.temps.length; i += 2) freeHeap(w.temps[i]!, w.temps[i + 1]!);
  w.out = null;
  w.temps = [];
  return out;
}

/** The loaded module: the shared build with the heap's memory, or the build that owns its memory (`memory` null). */
export interface GemmWasmModule {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory | null;
}

let loaded: GemmWasmModule | null | undefined;
let compiling = false;
let mainInstance: WasmGemm | null = null;

/**
 * The compiled GEMM module — the shared build on the heap where there is one — or null where WebAssembly SIMD is
 * unavailable, disabled by `NN_WASM=0`, or still compiling asynchronously (browsers' main thread). Decided on
 * first use.
 */
export function gemmWasmModule(): GemmWasmModule | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (!wasmEnabled()) return null;
  const memory = heapMemory();
  // The shared build also needs the threads feature; an engine without it still runs the other one.
  const builds = memory ? [{ text: GEMM_WASM_SHARED_BASE64, memory }, { text: GEMM_WASM_BASE64, memory: null }] : [{ text: GEMM_WASM_BASE64, memory: null }];
  const build = builds.map((b) => ({ ...b, bytes: decodeBase64(b.text) })).find((b) => WebAssembly.validate(b.bytes));
  if (!build) return null;
  const module = compileWasm(build.bytes, (m) => {
    loaded = { module: m, memory: build.memory };
    compiling = false;
  });
  if (module) loaded = { module, memory: build.memory };
  else compiling = true;
  return loaded;
}

/** Whether the module is still compiling asynchronously (a browser's main thread), so it may yet be available. */
export function gemmWasmCompiling(): boolean {
  return compiling;
}

/** This thread's GEMM instance, or null when the module is unavailable (see gemmWasmModule). */
export function wasmGemm(): WasmGemm | null {
  if (mainInstance) return mainInstance;
  const m = gemmWasmModule();
  if (!m) return null;
  try {
    const scratch = m.memory ? gemmScratch(m.module) : -1;
    if (m.memory && scratch < 0) return null;
    mainInstance = instantiateGemmWasm(m.module, m.memory, scratch);
  } catch {
    loaded = null;
  }
  return mainInstance;
}

/** A heap block for one thread's scratch area, reserved for good (-1 when the heap is full). */
export function gemmScratch(module: WebAssembly.Module): number {
  // The size is the module's own answer; a throwaway instance on a private memory asks it.
  const probe = new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }) } });
  return allocHeap((probe.exports as unknown as GemmWasmExports).scratchBytes());
}
