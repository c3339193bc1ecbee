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
