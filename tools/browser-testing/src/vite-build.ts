/**
 * Builds a Vite app for a browser test into a fresh temporary folder, so tests never depend on (or leave
 * behind) a `dist/` in the source tree. `@nn/*` resolve to the packages' TypeScript sources, as in vitest.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** `@nn/<name>` → packages/<name>/src/index.ts (the published packages only). */
export function nnSourceAliases(): Record<string, string> {
  return Object.fromEntries(readdirSync(join(repo, 'packages')).map((p) => [`@nn/${p}`, join(repo, 'packages', p, 'src', 'index.ts')]));
}

export interface BuiltApp {
  dir: string;
  remove(): void;
}

/** `vite build` of the app whose index.html lies in `root` (extra config merged in), into a temp folder. */
export async function buildApp(root: string, config: InlineConfig = {}): Promise<BuiltApp> {
  const dir = mkdtempSync(join(tmpdir(), 'nn-app-'));
  await build({
    root,
    logLevel: 'error',
    configFile: false,
    ...config,
    resolve: { ...config.resolve, alias: { ...nnSourceAliases(), ...(config.resolve?.alias as object | undefined) } },
    build: { outDir: dir, emptyOutDir: true, ...config.build },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
