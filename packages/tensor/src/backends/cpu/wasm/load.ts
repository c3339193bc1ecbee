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

/**
 * A lazily loaded module instance (the elementwise and window kernels; the GEMM also shares its memory with worker
 * threads, so it loads its own way): `get()` returns it, built by `instantiate` from the base64 bytes on first use,
 * or null where WebAssembly is unavailable or disallowed (`NN_WASM=0`), the bytes do not validate (no SIMD), or a
 * browser's main thread is still compiling them asynchronously (`get()` returns the instance once it is ready).
 */
export function lazyWasmInstance<T>(base64: string, instantiate: (module: WebAssembly.Module) => T): { get(): T | null } {
  let state: T | null | undefined;
  return {
    get(): T | null {
      if (state !== undefined) return state;
      state = null;
      if (!wasmEnabled()) return null;
      const bytes = decodeBase64(base64);
      if (!WebAssembly.validate(bytes)) return null;
      try {
        const module = compileWasm(bytes, (m) => void (state = instantiate(m)));
        if (module) state = instantiate(module);
      } catch {
        state = null;
      }
      return state;
    },
  };
}

/** Grows `memory` (whole 64 KiB pages) to at least `bytes`; growing detaches the views of its old buffer. */
export function reserveMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
