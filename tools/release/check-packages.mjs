#!/usr/bin/env node
/**
 * Installs every published package the way a new user does and fails loudly if anything is off:
 * packs it (`pnpm pack`, whose prepack builds), installs the tarball with only its @nn siblings' tarballs into a
 * fresh npm project (the @nn scope points at an unreachable registry, so nothing @nn comes from npm), runs its
 * README's first example as ESM (.mjs) and as CommonJS (.cjs, `require`) and compares the output with the README's
 * ```text block, type-checks a strict ES2022 TypeScript consumer (ESM and CommonJS, no skipLibCheck), and runs
 * publint and @arethetypeswrong/cli on the tarball. One summary line per package.
 *
 *   node tools/release/check-packages.mjs [@nn/name ...] [--keep]    (--keep leaves the temp folder for a look)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { publishedPackages, syncMetadata } from './metadata.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

/**
 * What each package's strict TypeScript consumer does with its main API; the annotations are the assertions
 * (`item()` must be `number`, not `number | boolean`). Both an .mts and a .cts file import it.
 */
const CONSUMERS = {
  tensor: `import { tensor, tidy, type Tensor } from '@nn/tensor';
const t: Tensor = tensor([[1, 2], [3, 4]]);
const loss: number = tidy(() => t.matmul(t).mean()).item();
{ using scratch = tensor([1]); scratch.add(1); }
export const out: [number, readonly number[]] = [loss, t.shape];`,
  autograd: `import { tensor } from '@nn/tensor';
import { grad, noGrad } from '@nn/autograd';
const g = grad((w) => w.square().sum())(tensor([1, 2, 3]));
export const out: number = noGrad(() => g.sum().item());`,
  init: `import { calculateGain, kaimingUniform } from '@nn/init';
export const out: [number, readonly number[]] = [calculateGain('relu'), kaimingUniform([4, 3]).shape];`,
  layers: `import { tensor } from '@nn/tensor';
import { Linear, Sequential, ReLU, mseLoss, saveSafetensors, savePt, exportOnnx } from '@nn/layers';
const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
const loss: number = mseLoss(model.call(tensor([[1, 2]])), tensor([[0]])).item();
export const out: [number, Uint8Array, Uint8Array, Uint8Array] = [loss, saveSafetensors(model.stateDict()), savePt(model.stateDict()), exportOnnx(model, [tensor([[1, 2]])])];`,
  optim: `import { tensor } from '@nn/tensor';
import { Adam } from '@nn/optim';
const w = tensor([1, 2], { requiresGrad: true });
const opt = new Adam([w], { lr: 0.1 });
w.grad = tensor([0.5, -0.5]);
opt.step();
export const out: number = opt.paramGroups[0]!.lr;`,
  schedulers: `import { CosineAnnealingLR, cosineDecaySchedule } from '@nn/schedulers';
const s = new CosineAnnealingLR({ paramGroups: [{ lr: 0.1 }] }, { tMax: 10 });
s.step();
export const out: [number[], (step: number) => number] = [s.getLastLr(), cosineDecaySchedule({ initValue: 0.1, decaySteps: 10 })];`,
  clip: `import { tensor } from '@nn/tensor';
import { clipGradNorm } from '@nn/clip';
const w = tensor([1, 2], { requiresGrad: true });
w.grad = tensor([3, 4]);
export const out: number = clipGradNorm([w], 1).item();`,
  data: `import { tensor } from '@nn/tensor';
import { DataLoader, TensorDataset } from '@nn/data';
const loader = new DataLoader(new TensorDataset(tensor([[1], [2], [3]]), tensor([0, 1, 0])), { batchSize: 2 });
export const out: number = loader.length;`,
  all: `import { Linear, fit, tensor, crossEntropy } from '@nn/all';
const loss: number = crossEntropy(new Linear(2, 3).call(tensor([[1, 2]])), tensor([1], { dtype: 'int32' })).item();
export const out: [number, typeof fit] = [loss, fit];`,
};

/**
 * Libs beyond ES2022 a consumer needs: @nn/all's fit() takes an AbortSignal and loadFile a Blob, types that only
 * DOM (or @types/node) declares, and a program that uses them has one of the two anyway.
 */
const EXTRA_LIBS = { all: ',DOM' };

/** Runs a command; resolves with its output, rejects with an error holding the command and its output. */
function run(cmd, args, { cwd = root, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`\`${[cmd, ...args].join(' ')}\` (in ${cwd}) exited with ${code}\n${stdout}${stderr}`.trimEnd()));
    });
  });
}

/** The README's first runnable ```ts block and the ```text block that follows it, if any (as docs/snippets.test.ts). */
function readmeExample(dir) {
  const text = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
  const m = /```ts\n([\s\S]*?)```\s*(?:```text\n([\s\S]*?)```)?/.exec(text);
  if (!m) throw new Error(`packages/${dir}/README.md has no runnable \`\`\`ts example`);
  return { code: m[1], output: m[2] };
}

/** The @nn packages a README example imports (a user installs them next to the package). */
const readmeImports = (dir) => [...readmeExample(dir).code.matchAll(/from\s+'(@nn\/[^']+)'/g)].map((m) => m[1]);

const normalise = (s) => s.trim().replace(/-?\d+\.\d+(e[-+]?\d+)?/g, (n) => String(Number(Number(n).toPrecision(4))));

/** console.log as the docs snippets print (non-strings as JSON), so the README's ```text block is the expected output. */
const PRELUDE = `console.log = (...a) => process.stdout.write(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x) ?? String(x))).join(' ') + '\\n');\n`;

/** The example as an ES module and as a CommonJS script (imports → require, the rest in an async function for `await`). */
async function exampleScripts(code) {
  const js = (await transform(code, { loader: 'ts', format: 'esm' })).code;
  const requires = [];
  const body = js.replace(/^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";\n/gm, (_, names, mod) => {
    requires.push(`const {${names.replace(/\s+as\s+/g, ': ')}} = require(${JSON.stringify(mod)});`);
    return '';
  });
  if (/^import\b/m.test(body)) throw new Error(`README example has an import form the CommonJS rewrite does not handle:\n${js}`);
  const cjs = `${PRELUDE}${requires.join('\n')}\n(async () => {\n${body}})().catch((e) => { console.error(e); process.exitCode = 1; });\n`;
  return { mjs: PRELUDE + js, cjs };
}

/** Every @nn package a set of names needs, following the manifests' dependencies, dependencies first. */
function closure(names, manifests) {
  const out = new Set();
  const visit = (name) => {
    if (out.has(name)) return;
    const m = manifests.get(name);
    if (!m) throw new Error(`${name} is not a published @nn package`);
    for (const dep of Object.keys(m.dependencies ?? {})) if (dep.startsWith('@nn/')) visit(dep);
    out.add(name);
  };
  names.forEach(visit);
  return [...out];
}

/** Tarball contents every package must have, and what it must not ship. */
function checkTarball(name, files, manifest) {
  const problems = [];
  for (const f of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/README.md', 'package/LICENSE', 'package/CHANGELOG.md']) {
    if (!files.includes(f)) problems.push(`missing ${f.slice('package/'.length)}`);
  }
  const unwanted = files.filter((f) => f.endsWith('.map') || f.startsWith('package/src/') || /\.test\.[jt]s$/.test(f));
  if (unwanted.length) problems.push(`ships ${unwanted.slice(0, 3).join(', ')}${unwanted.length > 3 ? ', ...' : ''}`);
  if (manifest.version === '0.0.0') problems.push('version is 0.0.0');
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (range.startsWith('workspace:') || (dep.startsWith('@nn/') && !range.startsWith('^'))) problems.push(`dependency ${dep}@${range}`);
  }
  if (problems.length) throw new Error(`${name} tarball: ${problems.join('; ')}`);
}

async function checkPackage({ dir, name }, tarballs, manifests, work) {
  const started = performance.now();
  const laps = [];
  let last = started;
  const lap = (what) => laps.push(`${what} ${((-last + (last = performance.now())) / 1000).toFixed(1)}`);
  const project = join(work, dir);
  mkdirSync(project);
  const example = readmeExample(dir);
  const install = closure([name, ...readmeImports(dir)], manifests);
  await run('npm', ['init', '-y'], { cwd: project });
  // The @nn scope resolves to a closed port, so nothing @nn can come from npm. One tarball at a time, dependencies
  // first: given together, npm asks the registry about a sibling before it sees that a tarball satisfies it.
  for (const dep of install) {
    await run('npm', ['install', '--no-audit', '--no-fund', '--fetch-retries=0', '--@nn:registry=http://127.0.0.1:9/', tarballs.get(dep)], { cwd: project });
  }
  lap('install');

  const { mjs, cjs } = await exampleScripts(example.code);
  writeFileSync(join(project, 'example.mjs'), mjs);
  writeFileSync(join(project, 'example.cjs'), cjs);
  for (const file of ['example.mjs', 'example.cjs']) {
    const { stdout } = await run('node', [file], { cwd: project });
    if (example.output !== undefined && normalise(stdout) !== normalise(example.output)) {
      throw new Error(`${name}: ${file} printed\n${stdout}\nbut packages/${dir}/README.md says\n${example.output}`);
    }
  }

  lap('run');
  const consumer = CONSUMERS[dir];
  if (!consumer) throw new Error(`${name}: no strict TypeScript consumer in CONSUMERS (tools/release/check-packages.mjs)`);
  writeFileSync(join(project, 'consumer.mts'), consumer);
  writeFileSync(join(project, 'consumer.cts'), consumer);
  await run('node', [join(root, 'node_modules/typescript/bin/tsc'), '--strict', '--lib', `ES2022${EXTRA_LIBS[dir] ?? ''}`, '--target', 'ES2022', '--module', 'nodenext',
    '--noEmit', 'consumer.mts', 'consumer.cts'], { cwd: project });
  lap('tsc');

  await run(bin('publint'), ['run', tarballs.get(name), '--level', 'warning', '--strict']);
  // attw (TypeScript 5.6 inside) predates require(esm) and reports every ESM-only package as "dynamic import only"
  // from CommonJS; example.cjs and consumer.cts (TypeScript 5.9, module nodenext) above check require() for real.
  await run(bin('attw'), [tarballs.get(name), '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--no-emoji', '--no-color']);
  lap('lint');
  const size = readFileSync(tarballs.get(name)).length;
  return `${name.padEnd(15)} ${manifests.get(name).version.padEnd(7)} ${(size / 1024).toFixed(1).padStart(6)} kB  installs with ${install.length - 1} sibling(s)  esm ✓ cjs ✓ tsc ✓ publint ✓ attw ✓  ${((performance.now() - started) / 1000).toFixed(1)} s (${laps.join(', ')})`;
}

async function main() {
  const started = performance.now();
  const keep = process.argv.includes('--keep');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const stale = syncMetadata({ check: true });
  if (stale.length) throw new Error(`package metadata is out of date (run node tools/release/metadata.mjs): ${stale.join(', ')}`);

  const sources = new Map(publishedPackages().map(({ dir, json }) => [json.name, { dir, name: json.name, json }]));
  const checked = [...sources.values()].filter((p) => !only.length || only.includes(p.name));
  if (only.length && checked.length !== only.length) throw new Error(`unknown package in ${only.join(' ')}; published: ${[...sources.keys()].join(' ')}`);
  // Pack what the checked packages install: themselves, their @nn dependencies and what their README examples import.
  const toPack = closure(checked.flatMap((p) => [p.name, ...readmeImports(p.dir)]), new Map([...sources].map(([n, p]) => [n, p.json])));
  const work = mkdtempSync(join(tmpdir(), 'nn-check-packages-'));
  const packed = join(work, 'tarballs');
  const tarballs = new Map();
  const manifests = new Map();
  for (const name of toPack) {
    const { stdout } = await run('npx', ['-y', 'pnpm@9.15.9', 'pack', '--pack-destination', packed], { cwd: join(root, 'packages', sources.get(name).dir) });
    const file = stdout.trim().split('\n').at(-1);
    const files = (await run('tar', ['tzf', file])).stdout.trim().split('\n');
    const manifest = JSON.parse((await run('tar', ['xzOf', file, 'package/package.json'])).stdout);
    checkTarball(name, files, manifest);
    tarballs.set(name, file);
    manifests.set(name, manifest);
  }
  console.log(`check-packages: packed ${toPack.length} packages in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Two at a time: installs wait on the disk and the network while the other package's node and tsc run.
  const queue = [...checked];
  const failures = [];
  await Promise.all([0, 1].map(async () => {
    for (let p; (p = queue.shift()); ) {
      try {
        console.log(await checkPackage(p, tarballs, manifests, work));
      } catch (e) {
        failures.push(p.name);
        console.log(`${p.name.padEnd(15)} FAILED\n${e.message}\n`);
      }
    }
  }));
  if (keep) console.log(`check-packages: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (failures.length) throw new Error(`${failures.length} package(s) failed: ${failures.join(', ')} (${took})`);
  console.log(`check-packages: all ${checked.length} packages install and pass (${took})`);
}

main().catch((e) => {
  console.error(`check-packages: ${e.message}`);
  process.exit(1);
});
