/**
 * Makes sure the generated WebAssembly modules (see build-wasm.mjs) exist, building them only when one is
 * missing, so tests and typechecks work on a fresh clone before any `build`. Runs as a CLI
 * (`node packages/tensor/scripts/ensure-wasm.mjs`) or as a vitest `globalSetup` (its default export).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULES, buildWasm } from './build-wasm.mjs';

export default async function ensureWasm() {
  const missing = MODULES.some(({ output }) => !existsSync(fileURLToPath(new URL(`../${output}`, import.meta.url))));
  if (missing) await buildWasm();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await ensureWasm();
