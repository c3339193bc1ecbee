import { readFileSync } from 'node:fs';
import * as nnTensor from '@nn/tensor';
import { expect, it, vi } from 'vitest';
import * as nnAutograd from './index.js';

/** Runs the README's example (JavaScript-compatible TypeScript) and compares what it prints with its text block. */
it('runs the README example and prints what the README says', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const expected = /```text\n([\s\S]*?)```/.exec(readme)![1]!.trim();
  const modules: Record<string, unknown> = { '@nn/tensor': nnTensor, '@nn/autograd': nnAutograd };
  const body = code.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, names: string, from: string) => {
    expect(modules[from], `README imports ${from}`).toBeDefined();
    return `const {${names}} = modules['${from}'];`;
  });
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  try {
    await new Function('modules', body)(modules);
  } finally {
    log.mockRestore();
  }
  expect(printed.join('\n')).toBe(expected);
});
