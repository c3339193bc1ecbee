import { allocHeap, freeHeap, heapMemory } from './heap.js';

/**
 * What every WebAssembly kernel module of the CPU backend needs to load: the `NN_WASM` switch, base64
 * decoding (the build embeds each binary as base64 in a generated module), and compiling.
 */

/** Whether the environment allows the WebAssembly kernels: `NN_WASM=0` (or `false`, `off`) turns them off. */
export function wasmAllowed(env: Record<string, string | undefined> | undefined): boolean {
  const v = env?.NN_WASM?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off');
}

/** Whether this engine has WebAssembly and this process's environment allows using it (see wasmAllowed). */
export function wasmEnabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return typeof WebAssembly === 'object' && wasmAllowed(env);
}

/** A module's bytes, decoded from base64. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}

/**
 * Compiles `bytes` (already validated) synchronously. Browsers refuse synchronous compiles of modules over
 * 4 KiB on the main thread: there it compiles asynchronously instead, returns null, and calls `ready` with
 * the module once compiled (the caller's kernels use TypeScript until then).
 */
export function compileWasm(bytes: Uint8Array<ArrayBuffer>, ready: (module: WebAssembly.Module) => void): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(bytes);
  } catch {
    WebAssembly.compile(bytes).then(ready, () => undefined);
    return null;
  }
}

/** The two builds of one module (scripts/build-wasm.mjs): owning its memory, and importing the shared heap. */
export interface WasmBuilds {
  own: string;
  shared: string;
}

/**
 * A module instance and where to put its scratch blocks: on the heap's memory (the shared build, so its kernels
 * reach tensors in place) where there is a heap, else on its own memory.
 */
export interface KernelInstance<E> {
  ex: E;
  memory: WebAssembly.Memory;
  /** Whether `memory` is the heap (tensor storage in it can be passed by address). */
  onHeap: boolean;
  /**
   * Reserves `bytes` (16-byte aligned) for good and returns the byte address. Make views only after the last
   * reservation: growing a module's own memory detaches the views of its old buffer.
   */
  reserve(bytes: number): number;
  /**
   * The byte address of a staging area of at least `bytes`, reused across calls (content arbitrary; valid until
   * the next call), or -1 when the heap has no room for it: the caller then runs its TypeScript kernel. Make
   * views after calling it, as for `reserve`.
   */
  workspace(bytes: number): number;
}

/**
 * A lazily loaded module instance (the elementwise, window and optimizer kernels; the GEMM also shares its memory
 * with worker threads, so it loads its own way): `get()` returns it, built by `instantiate` on first use, or
 * null where WebAssembly is unavailable or disallowed (`NN_WASM=0`), the bytes do not validate (no SIMD), or a
 * browser's main thread is still compiling them asynchronously (`get()` returns the instance once it is ready).
 */
export function lazyWasmInstance<E, T>(builds: WasmBuilds, instantiate: (k: KernelInstance<E>) => T): { get(): T | null } {
  let state: T | null | undefined;
  return {
    get(): T | null {
      if (state !== undefined) return state;
      state = null;
      if (!wasmEnabled()) return null;
      const heap = heapMemory();
      const candidates = heap ? [{ text: builds.shared, memory: heap }, { text: builds.own, memory: null }] : [{ text: builds.own, memory: null }];
      const build = candidates.map((b) => ({ ...b, bytes: decodeBase64(b.text) })).find((b) => WebAssembly.validate(b.bytes));
      if (!build) return null;
      const make = (m: WebAssembly.Module) => instantiate(instantiateKernels<E>(m, build.memory));
      try {
        const module = compileWasm(build.bytes, (m) => void (state = make(m)));
        if (module) state = make(module);
      } catch {
        state = null;
      }
      return state;
    },
  };
}

/** Instantiates `module` on `heap` (the shared build) or on its own memory (`heap` null). */
function instantiateKernels<E>(module: WebAssembly.Module, heap: WebAssembly.Memory | null): KernelInstance<E> {
  const instance = new WebAssembly.Instance(module, heap ? { env: { memory: heap } } : {});
  const ex = instance.exports as unknown as E & { heapBase(): number };
  if (heap) {
    const reserve = (bytes: number) => {
      const at = allocHeap(bytes);
      if (at < 0) throw new Error('wasm: the heap has no room for a kernel\'s scratch blocks');
      return at;
    };
    let area = { at: -1, bytes: 0 };
    return {
      ex, memory: heap, onHeap: true, reserve,
      workspace(bytes) {
        if (bytes > area.bytes) {
          if (area.at >= 0) freeHeap(area.at, area.bytes);
          const at = allocHeap(bytes);
          area = at >= 0 ? { at, bytes } : { at: -1, bytes: 0 };
        }
        return area.at;
      },
    };
  }
  // Own memory: reservations from the bottom, the workspace above them (so it may grow without moving them).
  const memory = instance.exports.memory as WebAssembly.Memory;
  let top = Math.ceil(ex.heapBase() / 16) * 16;
  const grow = (end: number) => {
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / 65536));
  };
  return {
    ex, memory, onHeap: false,
    reserve(bytes) {
      const at = top;
      top = Math.ceil((top + bytes) / 16) * 16;
      grow(top);
      return at;
    },
    workspace(bytes) {
      grow(top + bytes);
      return top;
    },
  };
}
