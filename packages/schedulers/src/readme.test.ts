/**
 * Runs every ```ts block of the package README against this package; a block followed by a ```text block must
 * print exactly that text, so the README cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as schedulers from './index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function blocks(): { line: number; code: string; output?: string }[] {
  const out: { line: number; code: string; output?: string }[] = [];
  const re = /```(ts|text)\n([\s\S]*?)```/g;
  for (let m; (m = re.exec(readme)); ) {
    const line = readme.slice(0, m.index).split('\n').length;
    if (m[1] === 'ts') out.push({ line, code: m[2]! });
    else if (out.length && out.at(-1)!.output === undefined) out.at(-1)!.output = m[2]!;
  }
  return out;
}

/** `import { a, b } from '@nn/schedulers'` → `const { a, b } = __schedulers`. */
function rewriteImports(code: string): string {
  return code.replace(/import\s*\{([^}]*)\}\s*from\s*'@nn\/schedulers';?/g, (_, names: string) => {
    const list = names
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n && !n.startsWith('type '));
    return `const { ${list.join(', ')} } = __schedulers;`;
  });
}

describe('README', () => {
  const all = blocks();
  it('has runnable examples', () => expect(all.length).toBeGreaterThan(2));
  for (const b of all) {
    it(`example at line ${b.line} runs${b.output === undefined ? '' : ' and prints what it shows'}`, () => {
      const js = ts.transpileModule(rewriteImports(b.code), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const printed: string[] = [];
      const console = { log: (...a: unknown[]) => printed.push(a.map(String).join(' ')) };
      new Function('__schedulers', 'console', js)(schedulers, console);
      if (b.output !== undefined) expect(printed.join('\n')).toBe(b.output.trim());
    });
  }
});
