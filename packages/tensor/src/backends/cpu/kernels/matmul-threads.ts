/**
 * Splits large matmuls across worker threads, in Node.js, while keeping the kernel synchronous: the main
 * thread posts the job to the workers, works on it too, then blocks in `Atomics.wait` until every worker that
 * joined has finished (Node allows `Atomics.wait` on the main thread; browsers do not, so there the matmul
 * stays on one thread).
 *
 * The job is cut into chunks (whole matrices of a batch, or blocks of rows or columns) that the threads claim
 * from a shared counter, so a thread that starts late, or shares its core with another process, just takes
 * fewer chunks. Workers start lazily on the first large matmul, and a call only posts to workers that are
 * already up, so no call waits for a thread to boot. Threads in all (main included): `os.availableParallelism()`,
 * or the `NN_NUM_THREADS` environment variable (1 disables workers).
 *
 * Which GEMM runs: the WebAssembly SIMD one (../wasm/gemm-wasm.ts) where it is available and not disabled by
 * `NN_WASM=0`, else the TypeScript reference (matmul-blocked.ts). Workers run the same code as the main thread
 * (the TypeScript functions' source text and the compiled WebAssembly module are shipped to them), every
 * thread of one call runs the same kernel, and each output element is computed by one chunk in a fixed order,
 * so threaded results are bit-identical to single-threaded ones. On the WebAssembly path the workers'
 * instances share the main thread's memory: the main thread copies the operands in once and the threads write
 * the product in place. A worker touches that memory only for a chunk it claimed, and the call returns only
 * after every claimed chunk is done, so a worker that wakes up after its call has ended finds nothing to do.
 */
import {
  WASM_GEMM_FUNCTIONS, gemmScratch, gemmWasmModule, instantiateGemmWasm, loadWasmGemmOperands, runWasmGemmChunks, runWasmGemmTasks,
  wasmGemm, wasmGemmOutput, type WasmGemm,
} from '../wasm/gemm-wasm.js';
import { allocArray } from '../wasm/heap.js';
import { GEMM_FUNCTIONS, newGemmScratch, runGemmChunks, runGemmTasks, type GemmJob } from './matmul-blocked.js';

export type { GemmJob } from './matmul-blocked.js';

/**
 * Below this many flops (2·m·n·k over the batch) a matmul stays on one thread. Measured with the WebAssembly
 * GEMM on 2 cores: 160³ (8.2 MFLOP, 0.16 ms on one thread) is about even, 192³ and 64×784×256 run ~1.4×
 * faster on two; the TypeScript GEMM, ~8× slower per thread, gains from sharing at smaller sizes, but this
 * threshold also suits it.
 */
export const MIN_PARALLEL_FLOPS = 2 ** 23;
/** Below this many flops the TypeScript GEMM is as fast: copying operands into WebAssembly memory costs more. */
export const MIN_WASM_FLOPS = 2 ** 10;
/** Row (or column) blocks are at least this tall: each block re-packs the other operand. */
const MIN_CHUNK_SPAN = 64;
/**
 * Blocks are cut at multiples of both GEMMs' micro-tiles (TypeScript 3 rows × 4 columns, WebAssembly 4 × 8),
 * so no block adds edge tiles.
 */
const TILE_ROWS = 12, TILE_COLS = 8;

/** Per-worker status in the shared flags array (after the chunk counter at index 0). */
const POSTED = 0, RUNNING = 1, DONE = 2, FAILED = 3;
/** Room for a failed worker's error message, per worker. */
const ERROR_BYTES = 1024;

interface WorkerLike {
  postMessage(msg: unknown): void;
  unref(): void;
  on(event: 'error', fn: (e: unknown) => void): void;
}

interface ThreadPool {
  workers: WorkerLike[];
  /** Whether the workers instantiated the WebAssembly GEMM on the main thread's (shared) memory. */
  wasm: boolean;
  /** ready[i] = 1 once worker i listens for jobs. */
  ready: Int32Array;
  broken: boolean;
}

let pool: ThreadPool | null | undefined;

type Proc = { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> };
const proc = (globalThis as { process?: Proc }).process;

let threadCount: number | undefined;

/**
 * Threads a matmul may use, main included: `NN_NUM_THREADS`, else `os.availableParallelism()`, at most 16;
 * read once (the pool's size is fixed when it starts).
 */
function configuredThreads(): number {
  if (threadCount === undefined) {
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
    const configured = Number.parseInt(proc?.env?.NN_NUM_THREADS ?? '', 10);
    threadCount = Math.min(configured > 0 ? configured : (os?.availableParallelism() ?? 1), 16);
  }
  return threadCount;
}

/** The worker pool, started on first use; null where threads are unavailable or disabled. */
function threadPool(): ThreadPool | null {
  if (pool !== undefined) return pool;
  pool = null;
  try {
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (src: string, opts: object) => WorkerLike } | undefined;
    if (!wt || typeof SharedArrayBuffer === 'undefined') return null;
    // Some hosts (e.g. browser-like main threads in Electron) forbid blocking here: this throws there.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    const threads = configuredThreads();
    if (threads <= 1) return null;
    const ready = new Int32Array(new SharedArrayBuffer(4 * (threads - 1)));
    // Workers share the WebAssembly GEMM only in its shared-memory build.
    const m = gemmWasmModule();
    const wasm = m?.memory ? m : null;
    // Each worker's scratch area: a heap block of its own.
    const scratch = wasm ? Array.from({ length: threads - 1 }, () => gemmScratch(wasm.module)) : [];
    if (scratch.some((at) => at < 0)) return null;
    const p: ThreadPool = { workers: [], ready, broken: false, wasm: wasm !== null };
    const source = workerSource();
    for (let i = 0; i < threads - 1; i++) {
      const w = new wt.Worker(source, { eval: true, workerData: { ready: ready.buffer, slot: i, wasm, scratch: scratch[i] ?? -1 } });
      w.unref(); // idle workers must not keep the process alive
      w.on('error', () => {
        p.broken = true;
      });
      p.workers.push(w);
    }
    pool = p;
  } catch {
    pool = null;
  }
  return pool;
}

function workerSource(): string {
  return `${[...GEMM_FUNCTIONS, ...WASM_GEMM_FUNCTIONS].map((f) => f.toString()).join('\n')}
const { parentPort, workerData } = require('node:worker_threads');
const scratch = ${newGemmScratch.name}();
// On the shared memory (the heap), with the scratch block the main thread reserved for this worker.
const wasm = workerData.wasm ? ${instantiateGemmWasm.name}(workerData.wasm.module, workerData.wasm.memory, workerData.scratch) : null;
parentPort.on('message', (msg) => {
  const flags = new Int32Array(msg.flags);
  Atomics.store(flags, 1 + msg.slot, ${RUNNING});
  let status = ${DONE};
  try {
    if (msg.wasm) {
      if (!wasm) throw new Error('this worker has no WebAssembly GEMM');
      ${runWasmGemmChunks.name}(wasm, msg.wasm, msg.job, msg.chunks, flags, 0);
    } else {
      const [a, b, c] = [msg.a, msg.b, msg.c].map((buffer) => new Float32Array(buffer));
      ${runGemmChunks.name}(msg.job, msg.chunks, flags, 0, a, b, c, scratch);
    }
  } catch (e) {
    status = ${FAILED};
    const text = new TextEncoder().encode(String((e && e.stack) || e)).slice(0, ${ERROR_BYTES});
    new Uint8Array(msg.errors, msg.slot * ${ERROR_BYTES}, ${ERROR_BYTES}).set(text);
  }
  Atomics.store(flags, 1 + msg.slot, status);
  Atomics.notify(flags, 1 + msg.slot);
});
// Warm both GEMMs up before reporting ready, so the first chunk this worker claims runs optimised code. The
// WebAssembly one warms up on a private instance (compiled code is per module, shared by its instances), so
// it never touches the shared memory, where the main thread may be computing.
{
  const n = 24, k = 256, a = new Float32Array(n * k).fill(1), c = new Float32Array(n * n);
  const job = { k, ldc: n, aRowStride: k, aColStride: 1, bRowStride: 1, bColStride: k, tasks: [n, n, 0, 0, 0] };
  for (let i = 0; i < 40; i++) ${runGemmTasks.name}(job, a, a, c, scratch);
  if (wasm) {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const own = ${instantiateGemmWasm.name}(workerData.wasm.module, memory, -1);
    own.a = own.scratch + own.exports.scratchBytes();
    own.b = own.a;
    own.c = own.a + 4 * n * k;
    for (let i = 0; i < 400; i++) ${runWasmGemmTasks.name}(own, job);
  }
}
Atomics.store(new Int32Array(workerData.ready), workerData.slot, 1);`;
}

/** Starts the pool if needed; resolves with the number of ready workers (0 where threads are unavailable). For tests. */
export async function whenThreadsReady(timeoutMs = 10_000): Promise<number> {
  const p = threadPool();
  if (!p) return 0;
  const start = Date.now();
  while (p.workers.some((_, i) => Atomics.load(p.ready, i) !== 1) && Date.now() - start < timeoutMs)
    await new Promise((r) => setTimeout(r, 2));
  return p.workers.filter((_, i) => Atomics.load(p.ready, i) === 1).length;
}

const mainScratch = newGemmScratch();

/**
 * How many matmuls were offered to worker threads, and how many ran the WebAssembly GEMM (lets tests check
 * which path ran).
 */
export const matmulStats = { parallelCalls: 0, wasmCalls: 0 };

/**
 * Computes `job` (every output matrix is m×n) into a new Float32Array of `outSize` elements: on this thread
 * alone when it is small or no worker is up, else shared with the ready workers; with the WebAssembly GEMM
 * when it is available (and the workers have it too, for a shared job) and the operands fit its memory.
 */
export function runGemmJob(job: GemmJob, m: number, n: number, a: Float32Array, b: Float32Array, outSize: number): Float32Array {
  const count = job.tasks.length / 5;
  const flops = 2 * job.k * m * n * count;
  let w: WasmGemm | null = flops >= MIN_WASM_FLOPS ? wasmGemm() : null;
  const p = flops >= MIN_PARALLEL_FLOPS ? threadPool() : null;
  // Workers without the WebAssembly GEMM (no shared memory) cannot share a WebAssembly job; the main thread
  // alone is faster with it than all threads without it.
  const workers = p && !p.broken && (p.wasm || !w) ? p.workers.filter((_, i) => Atomics.load(p.ready, i) === 1) : [];
  const chunks = workers.length > 0 ? makeChunks(job, m, n, 4 * (workers.length + 1)) : [];
  const shared = chunks.length >= 2;
  if (w && !loadWasmGemmOperands(w, a, b, outSize)) w = null;
  if (w) matmulStats.wasmCalls++;
  if (!shared) {
    if (w) {
      runWasmGemmTasks(w, job);
      return wasmGemmOutput(w, outSize);
    }
    const out = allocArray('float32', outSize) as Float32Array;
    runGemmTasks(job, a, b, out, mainScratch);
    return out;
  }
  matmulStats.parallelCalls++;
  const flags = new Int32Array(new SharedArrayBuffer(4 * (1 + workers.length)));
  const errors = new SharedArrayBuffer(ERROR_BYTES * workers.length);
  const { tasks: _, ...shape } = job;
  const post = (data: object) => workers.forEach((wk, i) => wk.postMessage({ job: shape, chunks, flags: flags.buffer, errors, slot: i, ...data }));
  let c: Float32Array | null = null;
  if (w) {
    // Operands and output are already in the shared memory: workers get their addresses.
    post({ wasm: { a: w.a, b: w.b, c: w.c } });
    runWasmGemmChunks(w, w, { ...shape, tasks: [] }, chunks, flags, 0);
  } else {
    const sc = new SharedArrayBuffer(4 * outSize);
    c = new Float32Array(sc);
    post({ a: shareCopy(a), b: shareCopy(b), c: sc });
    runGemmChunks({ ...shape, tasks: [] }, chunks, flags, 0, a, b, c, mainScratch);
  }
  // Every chunk is now claimed. A worker still POSTED will find none left; one RUNNING may hold one: wait for it.
  for (let i = 0; i < workers.length; i++) {
    let s: number;
    while ((s = Atomics.load(flags, 1 + i)) === RUNNING) Atomics.wait(flags, 1 + i, RUNNING);
    if (s === FAILED) {
      p!.broken = true;
      const bytes = new Uint8Array(errors, i * ERROR_BYTES, ERROR_BYTES).slice();
      const end = bytes.indexOf(0);
      const message = new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
      throw new Error(`MatMul: a worker thread failed (${message}); set NN_NUM_THREADS=1 to compute matmuls on one thread`);
    }
  }
  if (w) return wasmGemmOutput(w, outSize);
  const out = allocArray('float32', outSize, false) as Float32Array;
  out.set(c!);
  return out;
}

function shareCopy(x: Float32Array): SharedArrayBuffer {
  const s = new SharedArrayBuffer(x.byteLength);
  new Float32Array(s).set(x);
  return s;
}

/**
 * Cuts the tasks into about `target` chunks of similar work: groups of whole matrices when the batch is large,
 * otherwise each matrix into blocks of rows (or of columns when it is wider than tall) of at least
 * MIN_CHUNK_SPAN, in multiples of the micro-tile.
 */
function makeChunks(job: GemmJob, m: number, n: number, target: number): number[][] {
  const t = job.tasks;
  const count = t.length / 5;
  if (count >= target) {
    const chunks: number[][] = Array.from({ length: target }, () => []);
    for (let i = 0; i < count; i++) chunks[Math.floor((i * target) / count)]!.push(...t.slice(5 * i, 5 * i + 5));
    return chunks;
  }
  const byRows = m >= n;
  const len = byRows ? m : n;
  const pieces = Math.max(1, Math.min(Math.ceil(target / count), Math.floor(len / MIN_CHUNK_SPAN)));
  const unit = byRows ? TILE_ROWS : TILE_COLS;
  const span = Math.ceil(len / pieces / unit) * unit;
  const chunks: number[][] = [];
  for (let i = 0; i < count; i++) {
    const [, , aOff, bOff, cOff] = t.slice(5 * i, 5 * i + 5) as [number, number, number, number, number];
    // A remainder shorter than a tile joins the last block, so a block is one row (or column) only when the
    // whole matrix is: a one-row product takes the matrix-vector path, whose summation order differs.
    for (let s = 0, e = 0; s < len; s = e) {
      e = len - (s + span) < unit ? len : s + span;
      if (byRows) chunks.push([e - s, n, aOff + s * job.aRowStride, bOff, cOff + s * job.ldc]);
      else chunks.push([m, e - s, aOff, bOff + s * job.bColStride, cOff + s]);
    }
  }
  return chunks;
}
