/**
 * Splits large matmuls across worker threads, in Node.js, while keeping the kernel synchronous: the main
 * thread posts the job to the workers, works on it too, then blocks in `Atomics.wait` until every worker that
 * joined has finished (Node allows `Atomics.wait` on the main thread; browsers do not, so there the matmul
 * stays on one thread).
 *
 * The job is cut into chunks (whole matrices of a batch, or blocks of rows or columns) that the threads claim
 * from a shared counter, so a thread that starts late, or shares its core with another process, just takes
 * fewer chunks. Workers start lazily on the first large matmul, and a call only posts to workers that are
 * already up, so no call waits for a thread to boot. Workers run the same GEMM code as the main thread (its
 * source text is shipped to them) and each output element is computed by one chunk in a fixed order, so the
 * results are bit-identical to single-threaded ones. Threads in all (main included): `os.availableParallelism()`,
 * or the `NN_NUM_THREADS` environment variable (1 disables workers).
 */
import { GEMM_FUNCTIONS, newGemmScratch, runGemmChunks, runGemmTasks, type GemmJob } from './matmul-blocked.js';

export type { GemmJob } from './matmul-blocked.js';

/** Below this many flops (2·m·n·k over the batch) a matmul stays on one thread: posting costs ~0.1 ms. */
export const MIN_PARALLEL_FLOPS = 2 ** 23;
/** Row (or column) blocks are at least this tall: each block re-packs the other operand. */
const MIN_CHUNK_SPAN = 64;
/** Blocks are cut at multiples of the GEMM micro-tile (3 rows × 4 columns), so no block adds edge tiles. */
const TILE_ROWS = 3, TILE_COLS = 4;

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
  /** ready[i] = 1 once worker i listens for jobs. */
  ready: Int32Array;
  broken: boolean;
}

let pool: ThreadPool | null | undefined;

/** The worker pool, started on first use; null where threads are unavailable or disabled. */
function threadPool(): ThreadPool | null {
  if (pool !== undefined) return pool;
  pool = null;
  try {
    type Proc = { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> };
    const proc = (globalThis as { process?: Proc }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (src: string, opts: object) => WorkerLike } | undefined;
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
    if (!wt || !os || typeof SharedArrayBuffer === 'undefined') return null;
    // Some hosts (e.g. browser-like main threads in Electron) forbid blocking here: this throws there.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    const configured = Number.parseInt(proc?.env?.NN_NUM_THREADS ?? '', 10);
    const threads = Math.min(configured > 0 ? configured : os.availableParallelism(), 16);
    if (threads <= 1) return null;
    const ready = new Int32Array(new SharedArrayBuffer(4 * (threads - 1)));
    const p: ThreadPool = { workers: [], ready, broken: false };
    const source = workerSource();
    for (let i = 0; i < threads - 1; i++) {
      const w = new wt.Worker(source, { eval: true, workerData: { ready: ready.buffer, slot: i } });
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
  return `${GEMM_FUNCTIONS.map((f) => f.toString()).join('\n')}
const { parentPort, workerData } = require('node:worker_threads');
const scratch = ${newGemmScratch.name}();
parentPort.on('message', (msg) => {
  const flags = new Int32Array(msg.flags);
  Atomics.store(flags, 1 + msg.slot, ${RUNNING});
  let status = ${DONE};
  try {
    const [a, b, c] = [msg.a, msg.b, msg.c].map((buffer) => new Float32Array(buffer));
    ${runGemmChunks.name}(msg.job, msg.chunks, flags, 0, a, b, c, scratch);
  } catch (e) {
    status = ${FAILED};
    const text = new TextEncoder().encode(String((e && e.stack) || e)).slice(0, ${ERROR_BYTES});
    new Uint8Array(msg.errors, msg.slot * ${ERROR_BYTES}, ${ERROR_BYTES}).set(text);
  }
  Atomics.store(flags, 1 + msg.slot, status);
  Atomics.notify(flags, 1 + msg.slot);
});
// Warm the JIT up before reporting ready, so the first chunk this worker claims runs optimised code.
{
  const n = 24, k = 256, a = new Float32Array(n * k).fill(1), c = new Float32Array(n * n);
  const job = { k, ldc: n, aRowStride: k, aColStride: 1, bRowStride: 1, bColStride: k, tasks: [n, n, 0, 0, 0] };
  for (let i = 0; i < 40; i++) ${runGemmTasks.name}(job, a, a, c, scratch);
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

/** How many matmuls were offered to worker threads (lets tests check that the threaded path ran). */
export const threadStats = { parallelCalls: 0 };

/**
 * Computes `job` (every output matrix is m×n) into a new Float32Array of `outSize` elements: on this thread
 * alone when it is small or no worker is up, else shared with the ready workers.
 */
export function runGemmJob(job: GemmJob, m: number, n: number, a: Float32Array, b: Float32Array, outSize: number): Float32Array {
  const count = job.tasks.length / 5;
  const flops = 2 * job.k * m * n * count;
  const p = flops >= MIN_PARALLEL_FLOPS ? threadPool() : null;
  const workers = p && !p.broken ? p.workers.filter((_, i) => Atomics.load(p.ready, i) === 1) : [];
  const chunks = workers.length > 0 ? makeChunks(job, m, n, 4 * (workers.length + 1)) : [];
  if (chunks.length < 2) {
    const out = new Float32Array(outSize);
    runGemmTasks(job, a, b, out, mainScratch);
    return out;
  }
  threadStats.parallelCalls++;
  const sa = shareCopy(a);
  const sb = shareCopy(b);
  const sc = new SharedArrayBuffer(4 * outSize);
  const c = new Float32Array(sc);
  const flags = new Int32Array(new SharedArrayBuffer(4 * (1 + workers.length)));
  const errors = new SharedArrayBuffer(ERROR_BYTES * workers.length);
  const { tasks: _, ...shape } = job;
  workers.forEach((w, i) => w.postMessage({ job: shape, chunks, a: sa, b: sb, c: sc, flags: flags.buffer, errors, slot: i }));
  runGemmChunks({ ...shape, tasks: [] }, chunks, flags, 0, a, b, c, mainScratch);
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
  return c.slice();
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
    for (let s = 0; s < len; s += span) {
      const e = Math.min(len, s + span);
      if (byRows) chunks.push([e - s, n, aOff + s * job.aRowStride, bOff, cOff + s * job.ldc]);
      else chunks.push([m, e - s, aOff, bOff + s * job.bColStride, cOff + s]);
    }
  }
  return chunks;
}
