/**
 * How many threads the CPU backend's large kernels (today: matmul, see ../kernels/matmul-threads.ts) use, main
 * thread included — PyTorch's `torch.set_num_threads` / `torch.get_num_threads`.
 *
 * The default is the machine's logical cores (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency`
 * in browsers) or the `NN_NUM_THREADS` environment variable in Node, at most MAX_THREADS. The worker pool
 * starts on the first large matmul with that many threads less one (the calling thread works too); from then on
 * the pool's size is fixed, and a setting only limits how many of its workers a call uses.
 */
import { describeValue } from '../../../validate.js';
import { workerHost } from './worker-host.js';

/** The most threads a pool has: beyond it, more workers contend for a 2–16 core machine's memory bandwidth. */
export const MAX_THREADS = 16;

let requested: number | undefined;
let poolSize: number | undefined;
/** NN_NUM_THREADS or the cores, read once (reading process.env costs ~0.4 µs, and it is asked per matmul). */
let byDefault: number | undefined;

/**
 * Sets how many threads large CPU kernels use, the calling thread included (`1`: no workers). Before the first
 * large matmul it sets the size of the worker pool; afterwards it sets how many of the pool's threads a call
 * uses (at most the pool's size: the pool does not grow). Values above MAX_THREADS (16) count as 16. Overrides
 * `NN_NUM_THREADS`.
 *
 * @example
 * setNumThreads(1); // matmuls on the calling thread only, as torch.set_num_threads(1)
 */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new Error(`setNumThreads: n must be a positive integer, got ${describeValue(n)}`);
  requested = n;
}

/**
 * How many threads a large CPU kernel uses now, the calling thread included: 1 where there are no workers
 * (a browser page that is not cross-origin isolated), else the setting (setNumThreads, `NN_NUM_THREADS`, or
 * the logical cores; at most 16), at most the pool's size once it has started.
 */
export function getNumThreads(): number {
  return workerHost() ? Math.min(setting(), poolSize ?? MAX_THREADS) : 1;
}

/** The pool's size (main thread included), fixed by the first call: the setting when the pool starts. */
export function poolThreads(): number {
  return (poolSize ??= setting());
}

function setting(): number {
  return Math.min(requested ?? (byDefault ??= defaultThreads()), MAX_THREADS);
}

function defaultThreads(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const configured = Number.parseInt(env?.NN_NUM_THREADS ?? '', 10);
  return configured > 0 ? configured : (workerHost()?.cores ?? 1);
}
