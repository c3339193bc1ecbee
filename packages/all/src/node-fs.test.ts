import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFile, writeFileAtomic, type FileSystem } from './node-fs.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const temps = () => readdirSync(dir).filter((f) => f.includes('.tmp-'));

/** The real file system, except that the handle's `step` throws after writing. */
function failing(step: 'writeFile' | 'sync' | 'rename'): FileSystem {
  return {
    readFile: (p) => fsp.readFile(p),
    readdir: (p) => fsp.readdir(p),
    stat: (p) => fsp.stat(p),
    rm: (p, o) => fsp.rm(p, o),
    rename: async (a, b) => {
      if (step === 'rename') throw new Error('EXDEV: simulated rename failure');
      return fsp.rename(a, b);
    },
    open: async (p, flags) => {
      const h = await fsp.open(p, flags);
      return {
        writeFile: async (d) => {
          if (step === 'writeFile') {
            await h.writeFile(typeof d === 'string' ? d.slice(0, 3) : d.subarray(0, 3)); // a torn write
            throw new Error('ENOSPC: simulated disk full');
          }
          return h.writeFile(d);
        },
        sync: async () => {
          if (step === 'sync') throw new Error('EIO: simulated fsync failure');
          return h.sync();
        },
        close: () => h.close(),
      };
    },
  };
}

describe('writeFileAtomic', () => {
  it('replaces the file in one step and leaves no temporary file', async () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, 'old');
    await writeFileAtomic('test', path, new Uint8Array([1, 2, 3, 4]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3, 4]);
    expect(temps()).toEqual([]);
  });

  for (const step of ['writeFile', 'sync', 'rename'] as const) {
    it(`keeps the previous file intact and removes the temporary one when ${step} fails`, async () => {
      const path = join(dir, `${step}.bin`);
      writeFileSync(path, 'previous checkpoint');
      await expect(writeFileAtomic('fit: checkpoint', path, 'new contents, much longer', failing(step))).rejects.toThrow(
        `fit: checkpoint: cannot write ${path}: `,
      );
      expect(readFileSync(path, 'utf8')).toBe('previous checkpoint');
      expect(temps()).toEqual([]);
    });
  }

  it('reads files back and names the path when it cannot', async () => {
    const path = join(dir, 'r.bin');
    writeFileSync(path, new Uint8Array([9, 8, 7]));
    const bytes = await readFile('test', path);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([9, 8, 7]);
    await expect(readFile('test', join(dir, 'nope'))).rejects.toThrow(`test: cannot read ${join(dir, 'nope')}: ENOENT`);
  });
});
