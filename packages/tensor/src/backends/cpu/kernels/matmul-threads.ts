/**
 * Splits large matmuls across worker threads — `worker_threads` in Node.js, Web Workers in a cross-origin-isolated
 * browser page or worker (../threads/worker-host.ts) — while keeping the kernel synchronous: the calling thread
 * hands the job to the workers, works on it too, then waits until every worker that joined has finished. It
 * blocks in `Atomics.wait` where it may (Node, any worker); a browser's main thread may not, so there it spins on
 * `Atomics.load`, which is short: the workers took chunks of the same size as the caller's last one.
 *
 * The job is cut into chunks (whole matrices of a batch, or blocks of rows or columns) that the threads claim
 * from a shared counter, so a thread that starts late, or shares its core with another process, just takes
 * fewer chunks. Workers start lazily on the first large matmul, and a call only counts on workers that are
 * already up, so no call waits for a thread to boot (browsers boot workers asynchronously: the first calls
 * run on the caller alone). Threads in all (main included): ../threads/num-threads.ts (`setNumThreads`,
 * `NN_NUM_THREADS`, else the logical cores).
 *
 * Which GEMM runs: the WebAssembly SIMD one (../wasm/gemm-wasm.ts) where it is available and not disabled by
 * `NN_WASM=0`, else the TypeScript reference (matmul-blocked.ts). Workers run the same code as the main thread
 * (the TypeScript functions' source text and the compiled WebAssembly module are shipped to them), every
 * thread of one call runs the same kernel, and each output element is computed by one chunk in a fixed order,
 * so threaded results are bit-identical to single-threaded ones. On the WebAssembly path the workers'
 * instances share the CPU heap (../wasm/heap.ts), where the operands and the output tensor live: the job is
 * a few integers (addresses, strides, chunks) written into a shared mailbox, and a worker blocked in
 * `Atomics.wait` wakes within microseconds (a posted message takes hundreds). A worker takes a job only by
 * moving its status from POSTED to RUNNING, and the main thread withdraws the job from those that have not
 * before returning, so a late worker never works on a finished (or half-rewritten) job. The TypeScript path
 * (no heap) posts messages with shared copies of the operands.
 */
import {
  WASM_GEMM_FUNCTIONS, gemmScratch, gemmWasmCompiling, gemmWasmModule, instantiateGemmWasm, loadWasmGemmOperands, runWasmGemmChunks, runWasmGemmTasks,
  wasmGemm, wasmGemmOutput, type WasmGemm,
} from '../wasm/gemm-wasm.js';
import { allocArray } from '../wasm/heap.js';
import { getNumThreads, poolThreads } from '../threads/num-threads.js';
import { waitWhile, workerHost, type ThreadWorker } from '../threads/worker-host.js';
import { GEMM_FUNCTIONS, newGemmScratch, runGemmChunks, runGemmTasks, type GemmJob } from './matmul-blocked.js';

export type { GemmJob } from './matmul-blocked.js';

/**
 * Below this many flops (2·m·n·k over the batch) a matmul stays on one thread. Measured with the WebAssembly
 * GEMM on 2 cores and the mailbox: 128³ (4.2 MFLOP, 0.12 ms) and 25×784×128 gain nothing from a second thread,
 * 160³ (8.2 MFLOP) runs 1.3× faster on two, 128×784×256 1.6×; the TypeScript GEMM, ~8× slower per thread,
 * gains from sharing at smaller sizes, but this threshold also suits it.
 */
export const MIN_PARALLEL_FLOPS = 2 ** 22;
/** Below this many flops the TypeScript GEMM is as fast: copying operands into WebAssembly memory costs more. */
export const MIN_WASM_FLOPS = 2 ** 10;
/** Row (or column) blocks are at least this tall: each block re-packs the other operand. */
const MIN_CHUNK_SPAN = 64;
/**
 * Blocks are cut at multiples of both GEMMs' micro-tiles (TypeScript 3 rows × 4 columns, WebAssembly 4 × 8),
 * so no block adds edge tiles.
 */
const TILE_ROWS = 12, TILE_COLS = 8;

/** Per-worker status in the shared flags array (after the chunk counter at index 0), and in the mailbox. */
const POSTED = 0, RUNNING = 1, DONE = 2, FAILED = 3, IDLE = 4;
/** Mailbox layout: ctl = [sequence number, chunk counter, status of worker i at CTL_STATUS + i]. */
const CTL_SEQ = 0, CTL_CLAIM = 1, CTL_STATUS = 2;
/**
 * The job area (int32s): k, ldc, four strides, A, B, C addresses, chunk count, then each chunk's start in the
 * task list, then the task list (five ints per task). A job that does not fit runs on the main thread alone.
 */
const JOB_HEADER = 10, JOB_INTS = 1 << 16;

/** Room for a failed worker's error message, per worker. */
const ERROR_BYTES = 1024;

interface ThreadPool {
  workers: ThreadWorker[];
  /**
   * Whether the workers instantiated the WebAssembly GEMM on the heap (the shared memory). They then take jobs
   * from the mailbox, blocked in Atomics.wait between jobs, instead of from messages: a posted message takes
   * a few hundred microseconds to reach a worker, as long as a whole mid-sized matmul.
   */
  wasm: boolean;
  /** Whether this thread may block in Atomics.wait (else it spins: a browser's main thread). */
  canBlock: boolean;
  /** Mailbox: [sequence number, chunk counter, status per worker…] and the job (see postJob). */
  ctl: Int32Array;
  job: Int32Array;
  /** A failed worker's error text, ERROR_BYTES per worker. */
  errors: SharedArrayBuffer;
  /** ready[i] = 1 once worker i listens for jobs. */
  ready: Int32Array;
  broken: boolean;
}

let pool: ThreadPool | null | undefined;

/** The worker pool, started on first use; null where threads are unavailable or disabled. */
function threadPool(): ThreadPool | null {
  if (pool !== undefined) return pool;
  const host = workerHost();
  const m = host ? gemmWasmModule() : null;
  // A browser's main thread compiles the GEMM asynchronously: start the pool once workers can share it.
  if (host && gemmWasmCompiling()) return null;
  pool = null;
  try {
    if (!host) return null;
    const threads = poolThreads();
    if (threads <= 1) return null;
    const ready = new Int32Array(new SharedArrayBuffer(4 * (threads - 1)));
    // Workers share the WebAssembly GEMM only in its shared-memory build.
    const wasm = m?.memory ? m : null;
    // Each worker's scratch area: a heap block of its own.
    const scratch = wasm ? Array.from({ length: threads - 1 }, () => gemmScratch(wasm.module)) : [];
    if (scratch.some((at) => at < 0)) return null;
    const ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL_STATUS + threads)));
    const job = new Int32Array(new SharedArrayBuffer(4 * JOB_INTS));
    const errors = new SharedArrayBuffer(ERROR_BYTES * (threads - 1));
    ctl.fill(IDLE, CTL_STATUS);
    const p: ThreadPool = { workers: [], ready, broken: false, wasm: wasm !== null, canBlock: host.canBlock, ctl, job, errors };
    const script = workerScript();
    const onError = () => {
      p.broken = true;
    };
    for (let i = 0; i < threads - 1; i++)
      p.workers.push(host.spawn(script, { ready: ready.buffer, slot: i, wasm, scratch: scratch[i] ?? -1, ctl: ctl.buffer, job: job.buffer, errors }, onError));
    pool = p;
  } catch {
    pool = null;
  }
  return pool;
}

/**
 * The workers' program: `main(workerData, onMessage)` (the host calls it, see ../threads/worker-host.ts) and
 * the GEMM functions it runs, as source text. Inside one closure each function is bound to its (possibly
 * minified) name with `const`, which holds whatever form a bundler gave it (declaration, expression or arrow),
 * and makes two functions minified to one name a syntax error, so the workers fail to start and matmuls stay on
 * one thread. `main` calls them only through `nnGemm`, by their source names: a minified name such as `me` must
 * never meet one of main's own locals (a `const me` below once shadowed runGemmTasks minified to `me`).
 */
function workerScript(): string {
  const exported = { newGemmScratch, instantiateGemmWasm, runGemmChunks, runGemmTasks, runWasmGemmTasks, runWasmGemmChunks };
  return `const nnGemm = (() => {
${[...GEMM_FUNCTIONS, ...WASM_GEMM_FUNCTIONS].map((f) => `const ${f.name} = ${f.toString()};`).join('\n')}
return { ${Object.entries(exported).map(([name, f]) => `${name}: ${f.name}`).join(', ')} };
})();
function main(workerData, onMessage) {
  const scratch = nnGemm.newGemmScratch();
  // On the shared memory (the heap), with the scratch block the main thread reserved for this worker.
  const wasm = workerData.wasm ? nnGemm.instantiateGemmWasm(workerData.wasm.module, workerData.wasm.memory, workerData.scratch) : null;
  function fail(e, errors, slot) {
    const text = new TextEncoder().encode(String((e && e.stack) || e)).slice(0, ${ERROR_BYTES});
    new Uint8Array(errors, slot * ${ERROR_BYTES}, ${ERROR_BYTES}).set(text);
  }
  // TypeScript GEMM jobs (no heap) come as messages.
  onMessage((msg) => {
    const flags = new Int32Array(msg.flags);
    Atomics.store(flags, 1 + msg.slot, ${RUNNING});
    let status = ${DONE};
    try {
      const [a, b, c] = [msg.a, msg.b, msg.c].map((buffer) => new Float32Array(buffer));
      nnGemm.runGemmChunks(msg.job, msg.chunks, flags, 0, a, b, c, scratch);
    } catch (e) {
      status = ${FAILED};
      fail(e, msg.errors, msg.slot);
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
    for (let i = 0; i < 40; i++) nnGemm.runGemmTasks(job, a, a, c, scratch);
    if (wasm) {
      const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
      const own = nnGemm.instantiateGemmWasm(workerData.wasm.module, memory, -1);
      own.a = own.scratch + own.exports.scratchBytes();
      own.b = own.a;
      own.c = own.a + 4 * n * k;
      for (let i = 0; i < 400; i++) nnGemm.runWasmGemmTasks(own, job);
    }
  }
  Atomics.store(new Int32Array(workerData.ready), workerData.slot, 1);
  // WebAssembly GEMM jobs (on the heap) come through the mailbox: this worker blocks here between jobs, so it
  // takes no messages; the message path above is for pools without the heap.
  if (!wasm) return;
  const ctl = new Int32Array(workerData.ctl), jobArea = new Int32Array(workerData.job), me = ${CTL_STATUS} + workerData.slot;
  for (let seen = 0; ; ) {
    Atomics.wait(ctl, ${CTL_SEQ}, seen);
    seen = Atomics.load(ctl, ${CTL_SEQ});
    // Take the job only if the main thread has not finished it (and withdrawn it) already.
    if (Atomics.compareExchange(ctl, me, ${POSTED}, ${RUNNING}) !== ${POSTED}) continue;
    let status = ${DONE};
    try {
      const h = jobArea, count = h[9];
      const job = { k: h[0], ldc: h[1], aRowStride: h[2], aColStride: h[3], bRowStride: h[4], bColStride: h[5] };
      const chunks = [];
      for (let i = 0; i < count; i++) chunks.push(Array.from(h.subarray(h[${JOB_HEADER} + i], h[${JOB_HEADER} + i + 1])));
      nnGemm.runWasmGemmChunks(wasm, { a: h[6] >>> 0, b: h[7] >>> 0, c: h[8] >>> 0 }, job, chunks, ctl, ${CTL_CLAIM});
    } catch (e) {
      status = ${FAILED};
      fail(e, workerData.errors, workerData.slot);
    }
    Atomics.store(ctl, me, status);
    Atomics.notify(ctl, me);
  }
}`;
}

/**
 * Writes a WebAssembly job into the mailbox and wakes the workers; false (nothing posted) when it does not fit.
 * Chunk i's tasks are job[job[JOB_HEADER + i] .. job[JOB_HEADER + i + 1]).
 */
function postJob(p: ThreadPool, workers: number, job: GemmJob, chunks: number[][], w: WasmGemm): boolean {
  const taskInts = chunks.reduce((n, c) => n + c.length, 0);
  const start = JOB_HEADER + chunks.length + 1;
  if (start + taskInts > JOB_INTS) return false;
  const h = p.job;
  h.set([job.k, job.ldc, job.aRowStride, job.aColStride, job.bRowStride, job.bColStride, w.a, w.b, w.c, chunks.length]);
  let at = start;
  chunks.forEach((c, i) => {
    h[JOB_HEADER + i] = at;
    h.set(c, at);
    at += c.length;
  });
  h[JOB_HEADER + chunks.length] = at;
  Atomics.store(p.ctl, CTL_CLAIM, 0);
  for (let i = 0; i < workers; i++) Atomics.store(p.ctl, CTL_STATUS + i, POSTED);
  Atomics.add(p.ctl, CTL_SEQ, 1);
  Atomics.notify(p.ctl, CTL_SEQ);
  return true;
}

/**
 * After the main thread ran out of chunks: withdraws the job from workers that have not taken it, waits for
 * those that have, and throws if one failed.
 */
function finishJob(p: ThreadPool, workers: number): void {
  const { ctl } = p;
  for (let i = 0; i < workers; i++) {
    const at = CTL_STATUS + i;
    if (Atomics.compareExchange(ctl, at, POSTED, IDLE) === POSTED) continue;
    const s = waitWhile(ctl, at, RUNNING, p.canBlock);
    Atomics.store(ctl, at, IDLE);
    if (s === FAILED) workerFailed(p, p.errors, i);
  }
}

function workerFailed(p: ThreadPool, errors: SharedArrayBuffer, i: number): never {
  p.broken = true;
  const bytes = new Uint8Array(errors, i * ERROR_BYTES, ERROR_BYTES).slice();
  const end = bytes.indexOf(0);
  const message = new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
  throw new Error(`MatMul: a worker thread failed (${message}); call setNumThreads(1) (or set NN_NUM_THREADS=1) to compute matmuls on one thread`);
}

/** Starts the pool if needed; resolves with the number of ready workers (0 where threads are unavailable). For tests. */
export async function whenThreadsReady(timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  const waiting = () => Date.now() - start < timeoutMs && new Promise((r) => setTimeout(() => r(true), 2));
  let p = threadPool();
  while (!p && pool === undefined && (await waiting())) p = threadPool(); // the GEMM is still compiling
  if (!p) return 0;
  while (p.workers.some((_, i) => Atomics.load(p.ready, i) !== 1) && (await waiting()));
  return p.workers.filter((_, i) => Atomics.load(p.ready, i) === 1).length;
}

const mainScratch = newGemmScratch();

/**
 * How many matmuls were offered to worker threads, how many ran the WebAssembly GEMM, and how many threads
 * (main included) the last shared one was offered to (lets tests check which path ran).
 */
export const matmulStats = { parallelCalls: 0, wasmCalls: 0, threads: 0 };

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
  if (w && !loadWasmGemmOperands(w, a, b, outSize)) w = null;
  // Workers share a job of the GEMM they run: WebAssembly ones (through the mailbox) a WebAssembly job,
  // TypeScript ones (no heap) a TypeScript job. The main thread alone with the WebAssembly GEMM is faster than
  // all threads with the TypeScript one.
  // setNumThreads may have lowered the number of threads below the pool's size since it started.
  const use = p && !p.broken && p.wasm === (w !== null) ? Math.min(getNumThreads() - 1, p.workers.length) : 0;
  const workers = use > 0 ? p!.workers.slice(0, use).filter((_, i) => Atomics.load(p!.ready, i) === 1) : [];
  const chunks = workers.length > 0 ? makeChunks(job, m, n, 4 * (workers.length + 1)) : [];
  const shared = chunks.length >= 2;
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
  const { tasks: _, ...shape } = job;
  if (w) {
    // Operands and output are in the heap already: the workers get their addresses through the mailbox. It is
    // offered to all `use` of them, as one that comes up (or wakes) late joins only if the job is still posted.
    if (!postJob(p!, use, job, chunks, w)) {
      runWasmGemmTasks(w, job);
      return wasmGemmOutput(w, outSize);
    }
    matmulStats.parallelCalls++;
    matmulStats.threads = workers.length + 1;
    try {
      runWasmGemmChunks(w, w, { ...shape, tasks: [] }, chunks, p!.ctl, CTL_CLAIM);
    } finally {
      finishJob(p!, use);
    }
    return wasmGemmOutput(w, outSize);
  }
  matmulStats.parallelCalls++;
  matmulStats.threads = workers.length + 1;
  const flags = new Int32Array(new SharedArrayBuffer(4 * (1 + workers.length)));
  const errors = new SharedArrayBuffer(ERROR_BYTES * workers.length);
  const sc = new SharedArrayBuffer(4 * outSize);
  const c = new Float32Array(sc);
  workers.forEach((wk, i) => wk.postMessage({ job: shape, chunks, flags: flags.buffer, errors, slot: i, a: shareCopy(a), b: shareCopy(b), c: sc }));
  runGemmChunks({ ...shape, tasks: [] }, chunks, flags, 0, a, b, c, mainScratch);
  // Every chunk is now claimed. A worker still POSTED will find none left; one RUNNING may hold one: wait for it.
  for (let i = 0; i < workers.length; i++) {
    if (waitWhile(flags, 1 + i, RUNNING, p!.canBlock) === FAILED) workerFailed(p!, errors, i);
  }
  const out = allocArray('float32', outSize, false) as Float32Array;
  out.set(c);
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
