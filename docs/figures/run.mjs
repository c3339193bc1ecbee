// `node docs/figures/run.mjs`: renders the docs' figures (render.ts). Node cannot run TypeScript, so Vite's module
// runner loads render.ts and the figure modules, with @nn/* resolved to the packages' TypeScript sources as in
// the tests (no build needed first).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';
import ensureWasm from '../../packages/tensor/scripts/ensure-wasm.mjs';

const packages = new URL('../../packages/', import.meta.url);
const alias = Object.fromEntries(readdirSync(packages).map((p) => [`@nn/${p}`, fileURLToPath(new URL(`${p}/src/index.ts`, packages))]));
await ensureWasm();
const server = await createServer({
  configFile: false,
  root: fileURLToPath(new URL('./', import.meta.url)),
  optimizeDeps: { noDiscovery: true },
  resolve: { alias },
  logLevel: 'warn',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
try {
  const { renderFigures } = await runner.import(fileURLToPath(new URL('render.ts', import.meta.url)));
  const files = await renderFigures();
  console.log(`figures: ${files.length} files in docs/public/figures/`);
} finally {
  await runner.close();
  await server.close();
}
