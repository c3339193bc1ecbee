/**
 * File access for the Node-only readers. `node:fs/promises` is loaded with a dynamic import of a computed
 * specifier, so importing this package in a browser (or bundling it) never touches a Node built-in.
 */
const NODE_FS = 'node:fs/promises';

export async function readFileBytes(op: string, path: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path === '') throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
  let fs: typeof import('node:fs/promises');
  try {
    fs = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs/promises');
  } catch {
    throw new Error(`${op}: reading files needs Node.js (node:fs/promises); elsewhere, fetch the bytes and parse them in memory`);
  }
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw new Error(`${op}: cannot read ${path}: ${(e as Error).message}`);
  }
}
