import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';
import * as nnTensor from '@nn/tensor';
import * as nnOptim from './index.js';

/** Runs the README's first code block (plain JavaScript-compatible TypeScript) with its imports resolved. */
it('runs the README example', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const modules: Record<string, unknown> = { '@nn/tensor': nnTensor, '@nn/optim': nnOptim };
  const body = code.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, names: string, from: string) => {
    expect(modules[from], `README imports ${from}`).toBeDefined();
    return `const {${names}} = modules['${from}'];`;
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await new Function('modules', body)(modules);
    expect(log).toHaveBeenCalledWith(['1.000', '-2.000', '3.000']);
  } finally {
    log.mockRestore();
  }
});
