import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossEntropy, save } from '@nn/layers';
import { dispose, tensor, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { nodeFs } from './node-fs.js';
import { listFiles, loadFile, removeFile, saveFile } from './save-file.js';
import { loaderFor, setup, spirals } from './spirals.test-util.js';
import { parseLocation } from './storage.js';

// The browser stores themselves (IndexedDB, OPFS, downloads) run in Chromium: see browser.test.ts.
const dir = mkdtempSync(join(tmpdir(), 'nn-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const values = (t: Tensor) => Array.from(t.dataSync());

describe('locations', () => {
  it('reads the scheme, and takes anything without one as a file path', () => {
    expect(parseLocation('f', 'indexeddb://runs/a')).toEqual({ scheme: 'indexeddb', path: 'runs/a' });
    expect(parseLocation('f', 'OPFS://x/y.nn')).toEqual({ scheme: 'opfs', path: 'x/y.nn' });
    expect(parseLocation('f', 'downloads://m.nn')).toEqual({ scheme: 'downloads', path: 'm.nn' });
    for (const p of ['run.ckpt', '/tmp/a:b', 'C:\\runs\\a.nn', './x//y']) expect(parseLocation('f', p)).toEqual({ scheme: 'file', path: p });
  });

  it('names the function, the scheme and the path in its errors', async () => {
    await expect(saveFile('http://example.com/m.nn', {})).rejects.toThrow(
      `saveFile: unknown scheme 'http://' in "http://example.com/m.nn"; use indexeddb://<key>, opfs://<path>, downloads://<file name> (save only) or a file path (Node.js)`,
    );
    await expect(saveFile('indexeddb://', {})).rejects.toThrow("saveFile: indexeddb:// needs a key after it, e.g. 'indexeddb://model.nn'");
    await expect(loadFile('')).rejects.toThrow('loadFile: path must be a non-empty string, got ""');
    await expect(loadFile(42 as never)).rejects.toThrow('loadFile: source must be a path, a Blob or File, a Uint8Array or an ArrayBuffer, got Number');
    await expect(loadFile('downloads://m.nn')).rejects.toThrow("loadFile: downloads:// is save only (a page cannot read the user's downloads)");
  });

  it('says which browser API a scheme needs when the runtime lacks it (Node.js here)', async () => {
    await expect(saveFile('indexeddb://m', { a: 1 })).rejects.toThrow('saveFile: indexeddb:// needs IndexedDB, which this runtime lacks');
    await expect(loadFile('opfs://m.nn')).rejects.toThrow('loadFile: opfs:// needs the Origin Private File System (navigator.storage.getDirectory)');
    await expect(saveFile('downloads://m.nn', { a: 1 })).rejects.toThrow('saveFile: downloads:// needs a page with a document');
    await expect(listFiles('indexeddb://')).rejects.toThrow('listFiles: indexeddb:// needs IndexedDB');
    await expect(listFiles('/tmp' as never)).rejects.toThrow(`listFiles: store must be 'indexeddb://' or 'opfs://'`);
  });

  it('takes file paths only where node:fs/promises comes from process.getBuiltinModule', () => {
    const proc = process as { getBuiltinModule?: unknown };
    const builtin = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      expect(() => nodeFs('saveFile', 'run.ckpt')).toThrow(`saveFile: file paths need Node.js 20.16 or later (process.getBuiltinModule), this is ${process.versions.node}`);
    } finally {
      proc.getBuiltinModule = builtin;
    }
    expect(typeof nodeFs('saveFile', 'run.ckpt').rename).toBe('function');
  });
});

describe('loadFile of bytes', () => {
  it('loads a Blob, a File, a Uint8Array and an ArrayBuffer of saved bytes, and names them in errors', async () => {
    const bytes = save({ w: tensor([1, 2, 3]), step: 7 }) as Uint8Array<ArrayBuffer>;
    const sources = [new Blob([bytes]), new File([bytes], 'model.nn'), bytes, bytes.slice().buffer];
    for (const source of sources) {
      const back = await loadFile<{ w: Tensor; step: number }>(source);
      expect([values(back.w), back.step]).toEqual([[1, 2, 3], 7]);
      dispose(back);
    }
    await expect(loadFile(new File([bytes.slice(0, 40)], 'cut.nn'))).rejects.toThrow("loadFile: File 'cut.nn': the file is truncated: 40 bytes");
    await expect(loadFile(bytes.subarray(0, 40))).rejects.toThrow('loadFile: Uint8Array (40 bytes): the file is truncated');
  });
});

describe('removeFile', () => {
  it('deletes a file, and does nothing when there is none', async () => {
    const path = join(dir, 'gone.nn');
    writeFileSync(path, 'x');
    await removeFile(path);
    await removeFile(path);
    expect(() => readFileSync(path)).toThrow('ENOENT');
    await expect(removeFile('downloads://a.nn')).rejects.toThrow("removeFile: downloads:// files are the user's; a page cannot remove them");
  });
});

describe('fit with locations', () => {
  const data = spirals(16, 1);
  const opts = (o: object) => ({ loss: crossEntropy, epochs: 1, progress: false, ...o }) as Parameters<typeof fit>[2];

  it('rejects a location it cannot use before training', async () => {
    const { model, optimizer } = setup(0, 4);
    const loader = loaderFor(data, 8, 0);
    await expect(fit(model, loader, opts({ optimizer, checkpoint: { path: 'downloads://run.ckpt' } }))).rejects.toThrow(
      'fit: checkpoint.path cannot be downloads:// (every checkpoint would be a new download)',
    );
    await expect(fit(model, loader, opts({ optimizer, checkpoint: { path: 'ftp://run.ckpt' } }))).rejects.toThrow("fit: checkpoint.path: unknown scheme 'ftp://'");
    await expect(fit(model, loader, opts({ optimizer, resume: 'downloads://run.ckpt' }))).rejects.toThrow('fit: resume cannot read downloads://');
    await expect(fit(model, loader, opts({ optimizer, plot: 's3://curves.svg' }))).rejects.toThrow("fit: plot: unknown scheme 's3://'");
    expect(loader.epoch).toBe(0);
  });

  it('resumes from a checkpoint given as bytes (a File the user picked)', async () => {
    const path = join(dir, 'run.ckpt');
    const first = setup(0, 4);
    const done = await fit(first.model, loaderFor(data, 8, 0), opts({ optimizer: first.optimizer, checkpoint: { path } }));
    const file = new File([readFileSync(path)], 'run.ckpt');
    const again = setup(1, 4);
    const history = await fit(again.model, loaderFor(data, 8, 0), opts({ optimizer: again.optimizer, epochs: 2, resume: file }));
    expect(history.epoch).toEqual([1, 2]);
    expect(history.loss[0]).toBe(done.loss[0]); // epoch 1 is the checkpoint's, not a fresh run of seed 1
    await expect(fit(setup(1, 4).model, loaderFor(data, 8, 0), opts({ optimizer: setup(1, 4).optimizer, resume: new Uint8Array(3) }))).rejects.toThrow(
      'fit: resume from Uint8Array (3 bytes): ',
    );
  });
});
