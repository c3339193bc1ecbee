/**
 * The browser examples: `pnpm web` serves them (vite dev server), `pnpm web:build` builds them into
 * examples/web/dist. Pages are cross-origin isolated (COOP/COEP) so the CPU backend may use SharedArrayBuffer
 * and worker threads. `@nn/*` resolve to the packages' TypeScript sources, so no package build is needed first.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mnistDigits } from './mnist-digits.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('.'),
  // Relative asset URLs, so the built site works from any folder it is copied to.
  base: './',
  plugins: [mnistDigits()],
  resolve: {
    alias: Object.fromEntries(readdirSync(here('../../packages')).map((p) => [`@nn/${p}`, here(`../../packages/${p}/src/index.ts`)])),
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  // ES-module workers: the training worker imports @nn, which uses top-level await and dynamic imports.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: here('dist'),
    emptyOutDir: true,
    rollupOptions: { input: { index: here('index.html'), mnist: here('mnist/index.html'), toys: here('toys/index.html') } },
  },
});
