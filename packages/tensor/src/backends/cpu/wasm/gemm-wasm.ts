/**
 * The WebAssembly SIMD GEMM: `assembly/gemm.ts`, compiled at build time by `scripts/build-wasm.mjs` into
 * `gemm-wasm.generated.ts` (base64). This file loads it and runs GemmJobs (see matmul-blocked.ts) through it.
 *
 * Loading (`wasmGemm`): skipped when the environment variable `NN_WASM` is `0` (the TypeScript GEMM then runs
 * everywhere); otherwise the bytes are checked with `WebAssembly.validate` — the module itself is the feature
 * probe, so an engine without SIMD128 (or without WebAssembly) falls back to TypeScript — and compiled
 * (load.ts: synchronously, or asynchronously on a browser's main thread, using TypeScript until it is ready).
 *
 * Two builds of the same source: where shared memory is available (Node; cross-origin-isolated pages) the one
 * that imports a shared `WebAssembly.Memory`, so worker threads instantiate it on the same memory and work on
 * the operands and output in place (matmul-threads.ts); elsewhere the one with its own memory.
 *
 * Memory: the module allocates nothing. A job copies its operands whole into linear memory, laid out as
 * [one scratch area per thread | A | B | C] (16-byte aligned) and grown as needed (it never shrinks, so later
 * calls of the same size reuse it); C is zero-filled, every task adds its product into its block of C in
 * place, and the caller copies C out.
 *
 * `instantiateGemmWasm`, `runWasmGemmTasks` and `runWasmGemmChunks` refer only to their arguments and to each
 * other (no imports or module-level state), because `matmul-threads.ts` ships their source text to workers.
 */
import type { GemmJob } from '../kernels/matmul-blocked.js';
import { GEMM_WASM_BASE64, GEMM_WASM_SHARED_BASE64 } from './gemm-wasm.generated.js';
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
  /** Whether `memory` is shared (the build that worker threads can instantiate on the same memory). */
  shared: boolean;
  /** Byte address of this thread's scratch area (one per thread at the start of memory; see instantiateGemmWasm). */
  scratch: number;
}

/**
 * Instantiates the compiled GEMM module: on `memory` when given (the shared build), else on its own memory.
 * `slot` picks this thread's scratch area (0: the main thread; worker i: i + 1).
 */
export function instantiateGemmWasm(module: WebAssembly.Module, memory: WebAssembly.Memory | null, slot: number): WasmGemm {
  const instance = new WebAssembly.Instance(module, memory ? { env: { memory } } : {});
  const exports = instance.exports as unknown as GemmWasmExports;
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const scratch = align(exports.heapBase()) + slot * align(exports.scratchBytes());
  return { exports, memory: memory ?? (instance.exports.memory as WebAssembly.Memory), shared: memory !== null, scratch, a: 0, b: 0, c: 0 };
}

/**
 * Lays out memory for a job on `threads` threads (scratch slots) with operands `a` and `b` and an output of
 * `cLen` floats, growing it as needed, copies the operands in and zero-fills C. Returns false (changing
 * nothing) when that needs more than 2 GiB — the shared build's maximum, and the most a 32-bit address
 * passed through a JS number to an i32 parameter can reach safely — or growing fails.
 */
export function loadWasmGemmOperands(w: WasmGemm, threads: number, a: Float32Array, b: Float32Array, cLen: number): boolean {
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const ex = w.exports;
  const aAt = align(ex.heapBase()) + threads * align(ex.scratchBytes());
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

/** The job's output, copied out of linear memory. */
export function wasmGemmOutput(w: WasmGemm, cLen: number): Float32Array {
  return new Float32Array(w.memory.buffer, w.c, cLen).slice();
}

/** The shared build's memory limits: its import declares at most 2 GiB (scripts/build-wasm.mjs). */
const SHARED_MEMORY = { initial: 1, maximum: 32768, shared: true } as const;

/** The loaded module: shared build with its memory, or the build that owns its memory (`memory` null). */
export interface GemmWasmModule {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory | null;
}

let loaded: GemmWasmModule | null | undefined;
let mainInstance: WasmGemm | null = null;

/**
 * The compiled GEMM module — the shared-memory build with its memory where shared memory works — or null where
 * WebAssembly SIMD is unavailable, disabled by `NN_WASM=0`, or still compiling asynchronously (browsers' main
 * thread). Decided on first use.
 */
export function gemmWasmModule(): GemmWasmModule | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (!wasmEnabled()) return null;
  let memory: WebAssembly.Memory | null = null;
  try {
    if (typeof SharedArrayBuffer === 'function') memory = new WebAssembly.Memory(SHARED_MEMORY);
  } catch {
    memory = null; // shared memory refused (e.g. a page that is not cross-origin isolated)
  }
  // The shared build also needs the threads feature; an engine without it still runs the other one.
  const builds = memory ? [{ text: GEMM_WASM_SHARED_BASE64, memory }, { text: GEMM_WASM_BASE64, memory: null }] : [{ text: GEMM_WASM_BASE64, memory: null }];
  const build = builds.map((b) => ({ ...b, bytes: decodeBase64(b.text) })).find((b) => WebAssembly.validate(b.bytes));
  if (!build) return null;
  const module = compileWasm(build.bytes, (m) => void (loaded = { module: m, memory: build.memory }));
  if (module) loaded = { module, memory: build.memory };
  return loaded;
}

/** This thread's GEMM instance (scratch slot 0), or null when the module is unavailable (see gemmWasmModule). */
export function wasmGemm(): WasmGemm | null {
  if (mainInstance) return mainInstance;
  const m = gemmWasmModule();
  if (!m) return null;
  try {
    mainInstance = instantiateGemmWasm(m.module, m.memory, 0);
  } catch {
    loaded = null;
  }
  return mainInstance;
}
