/**
 * File access for checkpoints and plots. `node:fs/promises` is loaded with a dynamic import of a computed
 * specifier, so importing this package in a browser (or bundling it) never touches a Node built-in.
 */
const NODE_FS = 'node:fs/promises';

/** The part of `node:fs/promises` used here (a seam for tests that simulate failures). */
export interface FileSystem {
  open(path: string, flags: string): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
}

export interface FileHandleLike {
  writeFile(data: Uint8Array | string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function nodeFs(op: string): Promise<FileSystem> {
  try {
    return (await import(/* @vite-ignore */ NODE_FS)) as FileSystem;
  } catch {
    throw new Error(`${op}: files need Node.js (node:fs/promises), which this runtime lacks`);
  }
}

/**
 * Writes `data` to `path` atomically: into `path.tmp-<pid>` first, flushed to disk (fsync), then renamed over
 * `path`, so a reader (or a resumed run) sees either the old file or the new one, never a torn one. On any
 * failure the temporary file is removed, the old file is left as it was, and the error names the path.
 */
export async function writeFileAtomic(op: string, path: string, data: Uint8Array | string, fs?: FileSystem): Promise<void> {
  const files = fs ?? (await nodeFs(op));
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  const tmp = `${path}.tmp-${pid}`;
  let handle: FileHandleLike | undefined;
  try {
    handle = await files.open(tmp, 'w');
    await handle.writeFile(data);
    await handle.sync();
    const h = handle;
    handle = undefined;
    await h.close();
    await files.rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => {});
    await files.rm(tmp, { force: true }).catch(() => {});
    throw new Error(`${op}: cannot write ${path}: ${(e as Error).message}`);
  }
}

export async function readFile(op: string, path: string, fs?: FileSystem): Promise<Uint8Array> {
  const files = fs ?? (await nodeFs(op));
  try {
    return await files.readFile(path);
  } catch (e) {
    throw new Error(`${op}: cannot read ${path}: ${(e as Error).message}`);
  }
}
