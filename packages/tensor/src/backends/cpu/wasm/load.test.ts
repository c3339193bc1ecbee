import { describe, expect, it } from 'vitest';
import { compileWasm, decodeBase64, wasmAllowed } from './load.js';

/** The smallest valid module: magic number and version. */
const EMPTY_MODULE = 'AGFzbQEAAAA=';

describe('WebAssembly loading helpers', () => {
  it('NN_WASM=0 (or false, off) turns the WebAssembly kernels off; anything else leaves them on', () => {
    expect(wasmAllowed(undefined)).toBe(true);
    expect(wasmAllowed({})).toBe(true);
    expect(wasmAllowed({ NN_WASM: '1' })).toBe(true);
    expect(wasmAllowed({ NN_WASM: '0' })).toBe(false);
    expect(wasmAllowed({ NN_WASM: ' OFF ' })).toBe(false);
    expect(wasmAllowed({ NN_WASM: 'false' })).toBe(false);
  });

  it('decodes base64', () => {
    expect(Array.from(decodeBase64(EMPTY_MODULE))).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(decodeBase64('').length).toBe(0);
  });

  it('compiles synchronously where allowed', () => {
    const module = compileWasm(decodeBase64(EMPTY_MODULE), () => expect.fail('no asynchronous compile expected'));
    expect(module).toBeInstanceOf(WebAssembly.Module);
  });

  it('falls back to an asynchronous compile where synchronous compiles are refused (browser main thread)', async () => {
    const wasm = WebAssembly as unknown as { Module: unknown };
    const original = wasm.Module;
    wasm.Module = class {
      constructor() {
        throw new RangeError('WebAssembly.Module(): buffer size is larger than 4 KiB on the main thread');
      }
    };
    try {
      let ready: (m: WebAssembly.Module) => void = () => undefined;
      const compiled = new Promise<WebAssembly.Module>((resolve) => (ready = resolve));
      expect(compileWasm(decodeBase64(EMPTY_MODULE), ready)).toBeNull();
      wasm.Module = original;
      expect(WebAssembly.Module.exports(await compiled)).toEqual([]);
    } finally {
      wasm.Module = original;
    }
  });
});
