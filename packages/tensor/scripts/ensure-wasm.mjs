/**
 * Makes sure the generated WebAssembly modules (see build-wasm.mjs) exist and are newer than their
 * AssemblyScript sources, building them only when one is missing or stale, so tests and typechecks work on a
 * fresh clone before any `build` and see edits to `assembly/`. Runs as a CLI
 * (`node packages/tensor/scripts/ensure-wasm.mjs`) or as a vitest `globalSetup` (its default export).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULES, buildWasm } from './build-wasm.mjs';

export default async function ensureWasm() {
  const path = (rel) => fileURLToPath(new URL(`../${rel}`, import.meta.url));
  const stale = MODULES.some(({ output, builds }) => {
    if (!existsSync(path(output))) return true;
    const built = statSync(path(output)).mtimeMs;
    // The build script itself too: it decides which builds a generated file holds.
    return statSync(path('scripts/build-wasm.mjs')).mtimeMs > built || builds.some(({ source }) => statSync(path(source)).mtimeMs > built);
  });
  if (stale) await buildWasm();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await ensureWasm();
