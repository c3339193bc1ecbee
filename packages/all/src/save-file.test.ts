import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { load, save } from '@nn/layers';
import { dispose, tensor, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile, saveFile } from './save-file.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-savefile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const temps = (name: string) => readdirSync(dir).filter((f) => f.startsWith(`${name}.tmp-`)).sort();
const bits = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().slice().buffer));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('saveFile / loadFile', () => {
  it('round-trips a training state through a file, bit for bit', async () => {
    const path = join(dir, 'state.nn');
    const obj = { model: { w: tensor([NaN, -0, 1e-45]) }, step: 12, lr: -0, tags: ['a', null], done: false };
    await saveFile(path, obj);
    expect(temps('state.nn')).toEqual([]);
    const back = (await loadFile(path)) as typeof obj;
    expect(bits(back.model.w)).toEqual(bits(obj.model.w));
    expect(Object.is(back.lr, -0)).toBe(true);
    expect({ ...back, model: null }).toEqual({ ...obj, model: null });
    dispose([obj, back]);
  });

  it('names the path or the value in errors', async () => {
    await expect(saveFile(join(dir, 'x.nn'), { fc: () => 1 })).rejects.toThrow('saveFile: unsupported value at obj.fc: a function');
    await expect(saveFile(join(dir, 'missing-dir', 'x.nn'), {})).rejects.toThrow(`saveFile: cannot write ${join(dir, 'missing-dir', 'x.nn')}: ENOENT`);
    await expect(loadFile(join(dir, 'nope.nn'))).rejects.toThrow(`loadFile: cannot read ${join(dir, 'nope.nn')}: ENOENT`);
    const bad = join(dir, 'bad.nn');
    writeFileSync(bad, save({ a: 1 }).subarray(0, 40));
    await expect(loadFile(bad)).rejects.toThrow(`loadFile: ${bad}: the file is truncated: 40 bytes, but its preamble announces`);
    await expect(saveFile('' as never, {})).rejects.toThrow('saveFile: path must be a non-empty string, got ""');
  });

  it('a save killed mid-write leaves the previous file intact, and the next save removes its temporary file', async () => {
    const path = join(dir, 'run.nn');
    const old = { step: 1, w: tensor([1, 2, 3]) };
    await saveFile(path, old);
    const before = readFileSync(path);

    // A child process saves a large object (about 32 MB) to the same path through the real writeFileAtomic and
    // file system, and is killed with SIGKILL once half of the bytes are in its temporary file.
    const big = join(dir, 'big.bin');
    const large = { step: 2, w: tensor(new Float32Array(8 << 20).fill(0.5)) };
    writeFileSync(big, save(large));
    const src = readFileSync(new URL('./node-fs.ts', import.meta.url), 'utf8');
    writeFileSync(join(dir, 'node-fs.mjs'), transformSync(src, { loader: 'ts', format: 'esm' }).code);
    const child = join(dir, 'child.mjs');
    writeFileSync(
      child,
      `import * as fsp from 'node:fs/promises';
import { writeFileAtomic } from './node-fs.mjs';
const [path, big] = process.argv.slice(2);
const bytes = await fsp.readFile(big);
const fs = {
  readFile: fsp.readFile, readdir: fsp.readdir, stat: fsp.stat, rm: fsp.rm, rename: fsp.rename,
  open: async (p, flags) => {
    const h = await fsp.open(p, flags);
    return {
      writeFile: async (d) => {
        await h.write(d, 0, d.length >> 1);
        await h.sync();
        process.stdout.write('half written\\n');
        setInterval(() => {}, 1000);
        await new Promise(() => {});
      },
      sync: () => h.sync(),
      close: () => h.close(),
    };
  },
};
await writeFileAtomic('child', path, bytes, fs);
`,
    );
    const proc = spawn(process.execPath, [child, path, big], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => d.toString().includes('half written') && resolve());
      proc.on('exit', (code) => reject(new Error(`the child exited early (${code})`)));
    });
    const exited = new Promise((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const [left, ...more] = temps('run.nn');
    expect(more).toEqual([]);
    expect(left).toMatch(new RegExp(`^run\\.nn\\.tmp-${proc.pid}-[0-9a-f]{8}$`));
    expect(statSync(join(dir, left!)).size).toBe(Math.floor(statSync(big).size / 2));
    await expect(loadFile(join(dir, left!))).rejects.toThrow('the file is truncated');
    expect(readFileSync(path).equals(before)).toBe(true); // the target is intact...
    const survived = (await loadFile(path)) as typeof old;
    expect(survived.step).toBe(1);
    expect(survived.w.arraySync()).toEqual([1, 2, 3]);

    await saveFile(path, { step: 3 }); // ...and the next save cleans up
    expect(temps('run.nn')).toEqual([]);
    expect(await loadFile(path)).toEqual({ step: 3 });
    dispose([old, large, survived]);
  });

  it('removes stale temporary files (process gone, its own, untouched for an hour), keeps live and unrelated ones', async () => {
    const path = join(dir, 'c.nn');
    const name = (pid: number, r: string) => `c.nn.tmp-${pid}-${r}`;
    const files = {
      dead: name(deadPid(), 'aa11bb22'),
      own: name(process.pid, 'cc33dd44'),
      liveFresh: name(process.ppid, 'ee55ff66'),
      liveOld: name(process.ppid, '00112233'),
      otherTarget: `d.nn.tmp-${deadPid()}-44556677`,
      notATemp: 'c.nn.tmp-notes',
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(dir, files.liveOld), twoHoursAgo, twoHoursAgo);
    await saveFile(path, { ok: true });
    const left = readdirSync(dir);
    for (const f of [files.dead, files.own, files.liveOld]) expect(left, f).not.toContain(f);
    for (const f of [files.liveFresh, files.otherTarget, files.notATemp]) expect(left, f).toContain(f);
    expect(existsSync(path)).toBe(true);
    expect(load(readFileSync(path))).toEqual({ ok: true });
  });
});
