/**
 * File access for the Node-only readers. `node:fs/promises` comes from `process.getBuiltinModule` (Node.js
 * 20.16+, Deno, Bun) rather than an import, so a bundle of this package for a browser holds no `node:` specifier
 * and a browser never requests one.
 */

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?(id: string): unknown;
}

export async function readFileBytes(op: string, path: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path === '') throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const proc = (globalThis as { process?: NodeProcess }).process;
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as typeof import('node:fs/promises') | undefined;
  if (!fs) {
    if (proc?.versions?.node) throw new Error(`${op}: reading files needs Node.js 20.16 or later (process.getBuiltinModule), this is ${proc.versions.node}`);
    throw new Error(`${op}: reading files needs Node.js; elsewhere, fetch the bytes and parse them in memory`);
  }
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw new Error(`${op}: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}
