/**
 * Executes every ```ts block of the docs site's pages (every Markdown file under docs/ but the generated API
 * reference), the root README and every package README. A block followed by a ```text block must print exactly that text
 * (numbers compared to 4 significant digits), so the docs cannot drift from the code. Fragments that cannot run
 * alone are fenced as ```ts fragment and skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as all from './modules.js';

const root = new URL('../', import.meta.url);

/** Every page of the site: Markdown under docs/, except the generated API reference and VitePress's own folder. */
function pages(dir: string): string[] {
  return readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}${e.name}`;
    if (e.isDirectory()) return ['docs/api', 'docs/.vitepress', 'docs/public'].includes(path) || e.name === 'node_modules' ? [] : pages(`${path}/`);
    return e.name.endsWith('.md') ? [path] : [];
  });
}

const files = [
  'README.md',
  ...pages('docs/'),
  ...readdirSync(new URL('packages/', root)).map((p) => `packages/${p}/README.md`).filter((f) => existsSync(new URL(f, root))),
];

interface Snippet {
  file: string;
  line: number;
  code: string;
  output?: string;
}

function snippets(file: string): Snippet[] {
  const text = readFileSync(new URL(file, root), 'utf8');
  const re = /```(ts|text)\n([\s\S]*?)```/g;
  const out: Snippet[] = [];
  for (let m; (m = re.exec(text)); ) {
    const line = text.slice(0, m.index).split('\n').length;
    if (m[1] === 'ts') out.push({ file, line, code: m[2]! });
    else if (out.length && out.at(-1)!.output === undefined) out.at(-1)!.output = m[2]!;
  }
  return out;
}

/** `import { a, b as c } from '@nn/x'` → `const { a, b: c } = __mods['@nn/x']`, so snippets run in-process. */
function rewriteImports(code: string): string {
  return code.replace(/import\s*(type\s*)?\{([^}]*)\}\s*from\s*'([^']+)';?/g, (_, isType: string | undefined, names: string, mod: string) => {
    if (isType) return '';
    const list = names.split(',').map((n) => n.trim()).filter((n) => n && !n.startsWith('type '))
      .map((n) => n.replace(/\s+as\s+/, ': '));
    return `const { ${list.join(', ')} } = __mods[${JSON.stringify(mod)}];`;
  });
}

const normalise = (s: string) => s.trim().replace(/-?\d+\.\d+(e[-+]?\d+)?/g, (n) => String(Number(Number(n).toPrecision(4))));

describe('docs snippets', () => {
  for (const file of files) {
    for (const s of snippets(file)) {
      it(`${file}:${s.line}`, async () => {
        const js = (await transform(rewriteImports(s.code), { loader: 'ts', format: 'esm' })).code;
        const printed: string[] = [];
        const console = { log: (...a: unknown[]) => printed.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x) ?? String(x))).join(' ')) };
        const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
        await new AsyncFunction('__mods', 'console', js)(all.modules, console);
        if (s.output !== undefined) expect(normalise(printed.join('\n'))).toBe(normalise(s.output));
      });
    }
  }
});
