#!/usr/bin/env node
/**
 * The one place that decides what every published package's package.json says about the project (repository,
 * homepage, bugs, author, keywords, engines, exports conditions, files, publishConfig, prepack, sibling ranges)
 * and that each package ships the root LICENSE.
 *
 *   node tools/release/metadata.mjs           rewrite package.json files and LICENSE copies
 *   node tools/release/metadata.mjs --check   fail (exit 1) naming every file that differs
 *
 * REPOSITORY is a placeholder: the project has no public URL yet. Change it here and run this script.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const REPOSITORY = 'https://github.com/nn-js/nn';
const root = new URL('../../', import.meta.url);

/** Node versions where both `import` and `require` (require(esm), unflagged in 20.19 and 22.12) load the packages. */
export const NODE_ENGINES = '^20.19.0 || >=22.12.0';

const COMMON_KEYWORDS = ['neural-network', 'deep-learning', 'machine-learning', 'pytorch', 'webgpu', 'typescript'];
const KEYWORDS = {
  tensor: ['tensor', 'ndarray', 'webassembly', 'autograd'],
  autograd: ['autograd', 'automatic-differentiation', 'backpropagation', 'gradient'],
  init: ['initialization', 'xavier', 'kaiming', 'orthogonal'],
  layers: ['layers', 'modules', 'loss', 'safetensors', 'state-dict', 'onnx'],
  optim: ['optimizer', 'adam', 'adamw', 'sgd'],
  schedulers: ['learning-rate', 'scheduler', 'cosine-annealing', 'warmup'],
  clip: ['gradient-clipping', 'clip-grad-norm'],
  data: ['dataset', 'dataloader', 'mnist', 'csv', 'idx'],
  all: ['training', 'fit', 'mlp', 'cnn'],
};

/** Published packages: every packages/<dir> whose package.json is not private. */
export function publishedPackages() {
  return readdirSync(new URL('packages/', root))
    .filter((dir) => existsSync(new URL(`packages/${dir}/package.json`, root)))
    .map((dir) => ({ dir, path: new URL(`packages/${dir}/package.json`, root) }))
    .map((p) => ({ ...p, json: JSON.parse(readFileSync(p.path, 'utf8')) }))
    .filter((p) => !p.json.private);
}

/** `workspace:*` pins siblings to the exact version; `workspace:^` publishes `^x.y.z`. */
const caretRanges = (deps) =>
  deps && Object.fromEntries(Object.entries(deps).map(([name, range]) => [name, range === 'workspace:*' ? 'workspace:^' : range]));

function withMetadata(dir, pkg) {
  const keywords = KEYWORDS[dir];
  if (!keywords) throw new Error(`metadata: no keywords for packages/${dir}; add them to KEYWORDS in tools/release/metadata.mjs`);
  const entry = pkg.exports['.'];
  // Field order follows npm's docs; fields not named here (scripts, dependencies, ...) follow in their own order.
  const out = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    keywords: [...COMMON_KEYWORDS, ...keywords],
    homepage: `${REPOSITORY}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` },
    license: 'MIT',
    author: 'the @nn authors',
    type: 'module',
    sideEffects: pkg.sideEffects,
    engines: { node: NODE_ENGINES },
    // `default` serves require() through require(esm); `types` first, as TypeScript takes the first match.
    exports: { '.': { types: entry.types, import: entry.import, default: entry.import }, './package.json': './package.json' },
    main: pkg.main,
    types: pkg.types,
    files: ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE'],
    publishConfig: { access: 'public', provenance: false },
  };
  for (const [key, value] of Object.entries(pkg)) if (!(key in out)) out[key] = value;
  // Builds this package and its @nn dependencies (turbo's cache makes it instant when they are built).
  out.scripts = { ...pkg.scripts, prepack: `turbo run build --filter=${pkg.name} --output-logs=errors-only --log-prefix=none` };
  out.dependencies = caretRanges(pkg.dependencies);
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Rewrites (or with `check`, only compares) every published package's package.json and LICENSE; returns the stale paths. */
export function syncMetadata({ check }) {
  const stale = [];
  const license = readFileSync(new URL('LICENSE', root));
  for (const { dir, path, json } of publishedPackages()) {
    const text = withMetadata(dir, json);
    if (readFileSync(path, 'utf8') !== text) stale.push(`packages/${dir}/package.json`);
    const lic = new URL(`packages/${dir}/LICENSE`, root);
    if (!existsSync(lic) || !readFileSync(lic).equals(license)) stale.push(`packages/${dir}/LICENSE`);
    // npm shows the README on its own site, where a relative link leads nowhere.
    const readme = new URL(`packages/${dir}/README.md`, root);
    const relative = existsSync(readme) ? readFileSync(readme, 'utf8').replace(/```[\s\S]*?```|`[^`\n]*`/g, '').match(/\]\((?!https?:|#|mailto:)[^)]+\)/g) : null;
    if (relative) stale.push(`packages/${dir}/README.md (relative links ${relative.join(' ')}; use ${REPOSITORY}/blob/main/...)`);
    if (!check) {
      writeFileSync(path, text);
      copyFileSync(new URL('LICENSE', root), lic);
    }
  }
  return stale;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const check = process.argv.includes('--check');
  const stale = syncMetadata({ check });
  if (check && stale.length) {
    console.error(`metadata: out of date (run node tools/release/metadata.mjs): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`metadata: ${stale.length ? `${check ? 'stale' : 'wrote'} ${stale.join(', ')}` : 'all up to date'}`);
}
