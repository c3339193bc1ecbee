/**
 * Where the CPU backend's worker threads come from: `worker_threads` in Node.js, Web Workers in a browser page
 * (or worker) that is cross-origin isolated. Workers share the CPU heap (a shared `WebAssembly.Memory`) and a
 * mailbox of SharedArrayBuffers, and browsers give those only to isolated pages (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`). Elsewhere —
 * a page without those headers, an engine without SharedArrayBuffer — there is no host, and every kernel runs on
 * the calling thread, silently.
 *
 * A worker evaluates a script that defines `main(workerData, onMessage)` (its whole program, self-contained:
 * see matmul-threads.ts); the host adds the few lines that hand it its data and its later messages.
 */

export interface ThreadWorker {
  postMessage(msg: unknown): void;
}

export interface WorkerHost {
  /** Logical cores: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers. */
  cores: number;
  /**
   * Whether this thread may block in `Atomics.wait`: Node's main thread and workers may, a browser's main
   * thread may not (it throws there), so waits there spin on `Atomics.load` instead.
   */
  canBlock: boolean;
  /** Starts a worker running `script`'s `main` with `data`; `onError` hears an error it did not catch. */
  spawn(script: string, data: unknown, onError: (e: unknown) => void): ThreadWorker;
}

interface NodeWorker extends ThreadWorker {
  unref(): void;
  on(event: 'error', fn: (e: unknown) => void): void;
}

type Proc = { getBuiltinModule?: (id: string) => unknown };

let host: WorkerHost | null | undefined;

/** This thread's worker host, decided on first use; null where workers cannot share memory. */
export function workerHost(): WorkerHost | null {
  if (host === undefined) host = typeof SharedArrayBuffer === 'function' ? (nodeHost() ?? webHost()) : null;
  return host;
}

function nodeHost(): WorkerHost | null {
  const proc = (globalThis as { process?: Proc }).process;
  const wt = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (src: string, opts: object) => NodeWorker } | undefined;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
  if (!wt || !os) return null;
  return {
    cores: os.availableParallelism(),
    canBlock: mayBlock(),
    spawn(script, data, onError) {
      const w = new wt.Worker(`${script}
const { parentPort, workerData } = require('node:worker_threads');
main(workerData, (fn) => parentPort.on('message', fn));`, { eval: true, workerData: data });
      w.unref(); // idle workers must not keep the process alive
      w.on('error', onError);
      return w;
    },
  };
}

function webHost(): WorkerHost | null {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true || typeof Worker !== 'function' || typeof Blob !== 'function') return null;
  // One blob URL per script, kept for the page's life: a worker may fetch it after `new Worker` returns.
  const urls = new Map<string, string>();
  return {
    cores: g.navigator?.hardwareConcurrency ?? 1,
    canBlock: mayBlock(),
    spawn(script, data, onError) {
      let url = urls.get(script);
      if (!url) {
        // The first message carries the worker's data; later ones go to the handler `main` registers.
        const source = `${script}
self.onmessage = (e) => main(e.data, (fn) => { self.onmessage = (m) => fn(m.data); });`;
        url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        urls.set(script, url);
      }
      const w = new Worker(url, { name: 'nn-cpu' });
      w.addEventListener('error', (e) => {
        e.preventDefault(); // reported through onError (the pool stops using workers), not as a page error
        onError(e);
      });
      w.postMessage(data);
      return w;
    },
  };
}

function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `a[index]` is no longer `value` (blocking where allowed, else spinning); returns the new value. */
export function waitWhile(a: Int32Array, index: number, value: number, canBlock: boolean): number {
  let s: number;
  while ((s = Atomics.load(a, index)) === value) if (canBlock) Atomics.wait(a, index, value);
  return s;
}
