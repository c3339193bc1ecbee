#!/usr/bin/env node
// Bundle-size report: what each published package adds to a browser app. Bundles every packages/*/dist/index.js
// (build first) with esbuild as an app's bundler would (ESM, minified, platform browser, its @nn siblings
// external, other dependencies included), plus the whole of @nn/all with every sibling inside, and prints the
// minified and gzip bytes. Compares them with the committed baseline (bundle-size.json beside this file) and exits
// with code 1 when a size grows by more than 10% and more than 2 KB: a change that grows a package on purpose
// updates the baseline in the same commit (`node tools/release/bundle-size.mjs --update`).
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../..', import.meta.url));
const baselineFile = fileURLToPath(new URL('./bundle-size.json', import.meta.url));
/** The name under which the whole library (@nn/all and every sibling in one bundle) is reported. */
export const WHOLE = '@nn/all (whole library)';
/** A size may grow by this fraction of the baseline, or by this many bytes, whichever is larger, unexplained. */
export const LIMIT = { fraction: 0.1, bytes: 2048 };

/** @typedef {{ minified: number, gzip: number }} Size */

/** Minified and gzip bytes of one entry file bundled for browsers; `external` lists the imports left out. */
async function measure(entry, external) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** Sizes of every published package under packages/, then of the whole library. */
export async function measureAll() {
  /** @type {Record<string, Size>} */
  const sizes = {};
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const manifestFile = join(root, 'packages', dir, 'package.json');
    // A folder left behind by a removed package (its ignored dist/ or node_modules/) is no package.
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.private) continue;
    const entry = join(root, 'packages', dir, 'dist', 'index.js');
    if (!existsSync(entry)) throw new Error(`bundle-size: ${entry} does not exist; build first (npx -y pnpm@9.15.9 run build)`);
    sizes[manifest.name] = await measure(entry, ['@nn/*']);
  }
  sizes[WHOLE] = await measure(join(root, 'packages', 'all', 'dist', 'index.js'), []);
  return sizes;
}

/**
 * Compares measured sizes with the baseline. Returns one message per problem: a size that grew past LIMIT, a
 * package with no baseline, a baseline entry with no package.
 * @param {Record<string, Size>} sizes
 * @param {Record<string, Size>} baseline
 */
export function compareSizes(sizes, baseline) {
  const problems = [];
  for (const [name, size] of Object.entries(sizes)) {
    const base = baseline[name];
    if (!base) {
      problems.push(`${name}: no baseline`);
      continue;
    }
    for (const kind of /** @type {const} */ (['minified', 'gzip'])) {
      const growth = size[kind] - base[kind];
      if (growth > Math.max(base[kind] * LIMIT.fraction, LIMIT.bytes)) {
        problems.push(`${name}: ${kind} ${base[kind]} → ${size[kind]} bytes (+${((100 * growth) / base[kind]).toFixed(1)}%)`);
      }
    }
  }
  for (const name of Object.keys(baseline)) if (!sizes[name]) problems.push(`${name}: in the baseline but not measured`);
  return problems;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const change = (now, base) => (base ? `${now >= base ? '+' : ''}${((100 * (now - base)) / base).toFixed(1)}%` : 'new');

function printTable(sizes, baseline) {
  const rows = [['package', 'minified', 'gzip', 'gzip vs baseline']];
  for (const [name, s] of Object.entries(sizes)) rows.push([name, kb(s.minified), kb(s.gzip), change(s.gzip, baseline[name]?.gzip)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

async function main(args) {
  const unknown = args.filter((a) => a !== '--update');
  if (unknown.length > 0) throw new Error(`bundle-size: unknown argument ${unknown[0]} (the only flag is --update)`);
  const sizes = await measureAll();
  const baseline = existsSync(baselineFile) ? JSON.parse(readFileSync(baselineFile, 'utf8')) : {};
  printTable(sizes, baseline);
  if (args.includes('--update')) {
    writeFileSync(baselineFile, `${JSON.stringify(sizes, null, 2)}\n`);
    console.log(`bundle-size: wrote the baseline tools/release/bundle-size.json`);
    return 0;
  }
  const problems = compareSizes(sizes, baseline);
  if (problems.length === 0) return 0;
  console.error(
    `bundle-size: ${problems.length} problem(s) against the baseline (a size may grow by ${100 * LIMIT.fraction}% or ${LIMIT.bytes} bytes, whichever is more):\n` +
      problems.map((p) => `  ${p}`).join('\n') +
      '\nIf the change is intended, run `node tools/release/bundle-size.mjs --update` and commit bundle-size.json with it.',
  );
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
