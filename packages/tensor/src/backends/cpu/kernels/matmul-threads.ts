/**
 * Splits large matmuls across worker threads, in Node.js, while keeping the kernel synchronous: the main
 * thread posts each worker its share, computes its own share, then blocks in `Atomics.wait` until the workers
 * flag completion in shared memory (Node allows `Atomics.wait` on the main thread; browsers do not, so there
 * the matmul stays on one thread).
 *
 * Workers are started lazily on the first large matmul and only used once they report ready, so no call ever
 * waits for a thread to boot. They run the same GEMM code as the main thread (its source text is shipped to
 * them), and each output element is computed by exactly one thread with the same summation order, so results
 * are bit-identical to the single-threaded ones. Threads: `os.availableParallelism()` in all (main included),
 * or the `NN_NUM_THREADS` environment variable (1 disables them).
 */
import { GEMM_FUNCTIONS, newGemmScratch, runGemmTasks, type GemmJob } from './matmul-blocked.js';

export type { GemmJob } from './matmul-blocked.js';

/** Below this many flops (2·m·n·k over the batch) a matmul stays on one thread: posting costs ~0.1 ms. */
export const MIN_PARALLEL_FLOPS = 2 ** 23;

/** Task statuses in the shared flags array, written by the worker. */
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
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> } })
      .process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as
      | { Worker: new (src: string, opts: object) => WorkerLike }
      | undefined;
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
    if (!wt || !os || typeof SharedArrayBuffer === 'undefined') return null;
    const configured = Number.parseInt(proc?.env?.NN_NUM_THREADS ?? '', 10);
    const threads = Math.min(Number.isInteger(configured) && configured > 0 ? configured : os.availableParallelism(), 16);
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
  const fns = GEMM_FUNCTIONS.map((f) => f.toString()).join('\n');
  return `${fns}
const { parentPort, workerData } = require('node:worker_threads');
const scratch = ${newGemmScratch.name}();
parentPort.on('message', (msg) => {
  const flags = new Int32Array(msg.flags);
  Atomics.store(flags, msg.slot, ${RUNNING});
  let status = ${DONE};
  try {
    ${runGemmTasks.name}(msg.job, new Float32Array(msg.a), new Float32Array(msg.b), new Float32Array(msg.c), scratch);
  } catch (e) {
    status = ${FAILED};
    const text = new TextEncoder().encode(String(e && e.stack || e)).slice(0, ${ERROR_BYTES});
    new Uint8Array(msg.errors, msg.slot * ${ERROR_BYTES}, ${ERROR_BYTES}).set(text);
  }
  Atomics.store(flags, msg.slot, status);
  Atomics.notify(flags, msg.slot);
});
Atomics.store(new Int32Array(workerData.ready), workerData.slot, 1);`;
}

/** Starts the pool if needed and resolves with the number of ready workers (0 where threads are unavailable). For tests and benchmarks. */
export async function whenThreadsReady(timeoutMs = 10_000): Promise<number> {
  const p = threadPool();
  if (!p) return 0;
  const start = Date.now();
  while (p.workers.some((_, i) => Atomics.load(p.ready, i) !== 1) && Date.now() - start < timeoutMs)
    await new Promise((r) => setTimeout(r, 2));
  return p.workers.filter((_, i) => Atomics.load(p.ready, i) === 1).length;
}

const mainScratch = newGemmScratch();

/** How many matmuls ran split across threads (lets tests check that the threaded path ran). */
export const threadStats = { parallelCalls: 0 };

/**
 * Computes `job` into a new Float32Array of `outSize` elements, splitting it across the ready workers and this
 * thread when it is large enough; otherwise on this thread alone.
 */
export function runGemmJob(job: GemmJob, m: number, n: number, a: Float32Array, b: Float32Array, outSize: number): Float32Array {
  const flops = 2 * job.k * sumBlocks(job.tasks);
  const p = flops >= MIN_PARALLEL_FLOPS ? threadPool() : null;
  const workers = p && !p.broken ? p.workers.filter((_, i) => Atomics.load(p.ready, i) === 1) : [];
  if (workers.length === 0) {
    const out = new Float32Array(outSize);
    runGemmTasks(job, a, b, out, mainScratch);
    return out;
  }
  threadStats.parallelCalls++;
  const [own, ...theirs] = splitTasks(job, m, n, workers.length + 1);
  const sa = shareCopy(a);
  const sb = shareCopy(b);
  const sc = new SharedArrayBuffer(4 * outSize);
  const c = new Float32Array(sc);
  const flags = new Int32Array(new SharedArrayBuffer(4 * workers.length));
  const errors = new SharedArrayBuffer(ERROR_BYTES * workers.length);
  workers.forEach((w, i) =>
    w.postMessage({ job: { ...job, tasks: theirs[i] }, a: sa, b: sb, c: sc, flags: flags.buffer, errors, slot: i }),
  );
  runGemmTasks({ ...job, tasks: own! }, a, b, c, mainScratch);
  for (let i = 0; i < workers.length; i++) {
    // A worker that has not even picked its job up after 10 s is presumed dead; one running is waited for.
    const deadline = Date.now() + 10_000;
    let s: number;
    while ((s = Atomics.load(flags, i)) === POSTED || s === RUNNING) {
      Atomics.wait(flags, i, s, 100);
      if (s === POSTED && Atomics.load(flags, i) === POSTED && Date.now() > deadline) {
        p!.broken = true;
        throw new Error('MatMul: a worker thread did not respond; set NN_NUM_THREADS=1 to compute matmuls on one thread');
      }
    }
    if (s === FAILED) {
      p!.broken = true;
      const bytes = new Uint8Array(errors, i * ERROR_BYTES, ERROR_BYTES).slice();
      const message = new TextDecoder().decode(bytes.subarray(0, Math.max(bytes.indexOf(0), 0) || ERROR_BYTES));
      throw new Error(`MatMul: a worker thread failed (${message}); set NN_NUM_THREADS=1 to compute matmuls on one thread`);
    }
  }
  return c.slice();
}

function sumBlocks(tasks: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < tasks.length; i += 5) s += tasks[i]! * tasks[i + 1]!;
  return s;
}

function shareCopy(x: Float32Array): SharedArrayBuffer {
  const s = new SharedArrayBuffer(x.byteLength);
  new Float32Array(s).set(x);
  return s;
}

/**
 * Divides the tasks into `parts` lists of about equal work: whole matrices when there are many, otherwise each
 * matrix cut into row blocks (or column blocks when it is wider than tall), in multiples of the 4×4 micro-tile.
 */
function splitTasks(job: GemmJob, m: number, n: number, parts: number): number[][] {
  const t = job.tasks;
  const count = t.length / 5;
  const out: number[][] = Array.from({ length: parts }, () => []);
  if (count >= 4 * parts) {
    for (let i = 0; i < count; i++) out[Math.floor((i * parts) / count)]!.push(...t.slice(5 * i, 5 * i + 5));
    return out;
  }
  const byRows = m >= n;
  const len = byRows ? m : n;
  const chunk = Math.ceil(len / parts / 4) * 4;
  for (let i = 0; i < count; i++) {
    const [, , aOff, bOff, cOff] = t.slice(5 * i, 5 * i + 5) as [number, number, number, number, number];
    for (let q = 0; q < parts; q++) {
      const s = q * chunk;
      const e = Math.min(len, s + chunk);
      if (s >= e) continue;
      if (byRows) out[q]!.push(e - s, n, aOff + s * job.aRowStride, bOff, cOff + s * job.ldc);
      else out[q]!.push(m, e - s, aOff, bOff + s * job.bColStride, cOff + s);
    }
  }
  return out;
}
