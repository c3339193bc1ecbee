/**
 * savePt → the real torch.load, when PyTorch is installed (`/usr/bin/python3` with torch; skipped otherwise: CI has
 * no PyTorch, and the Python-free tests in save.test.ts check the bytes against torch.save's own). Every fixture
 * written by PyTorch, read by loadPt and written again by savePt, loads in PyTorch equal to the original (with
 * @nn's dtypes); @nn models' state dicts load into the equivalent torch.nn modules with strict=True and give the
 * same outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randn, tidy, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchNorm1d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, loadPt, savePt,
} from '../index.js';

const PYTHON = '/usr/bin/python3';
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { env, stdio: 'ignore' }).status === 0;

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

const SAME = `
import sys, torch
from torch import nn
NN = {torch.float64: torch.float32, torch.float16: torch.float32, torch.bfloat16: torch.float32, torch.int64: torch.int32,
      torch.int16: torch.int32, torch.int8: torch.int32, torch.uint8: torch.int32}
def same(a, b, at):
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor), at
        assert isinstance(a, nn.Parameter) == isinstance(b, nn.Parameter) and a.requires_grad == b.requires_grad, at
        want = a.detach().to(NN.get(a.dtype, a.dtype))
        assert b.dtype == want.dtype and b.shape == want.shape, (at, b.dtype, b.shape, want.dtype, want.shape)
        assert torch.equal(b.isnan(), want.isnan()) if want.is_floating_point() else True, at
        assert torch.equal(torch.nan_to_num(b.detach()), torch.nan_to_num(want)), at
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a.keys()) == list(b.keys()), (at, list(a.keys()), list(b.keys()))
        for k in a: same(a[k], b[k], f"{at}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, list) and len(a) == len(b), at
        for i, (x, y) in enumerate(zip(a, b)): same(x, y, f"{at}[{i}]")
    elif isinstance(a, float) and a != a:
        assert b != b, at
    else:
        assert a == b and (str(a) == str(b) or isinstance(a, float)), (at, a, b)
for original, ours in zip(sys.argv[1::2], sys.argv[2::2]):
    same(torch.load(original), torch.load(ours), original)
s = torch.load(sys.argv[-1]) if sys.argv[-1].endswith("shared.pt") else None
assert s is None or (s["a"] is s["b"] and s["c"][0] is s["a"])
print("ok")
`;

const MODULES = `
import json, sys, torch
from torch import nn
models = {
  "mlp": nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)),
  "cnn": nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 2)),
}
out = {}
for name, model in models.items():
    print(model.load_state_dict(torch.load(f"{sys.argv[1]}/{name}.pt"), strict=True), file=sys.stderr)
    case = json.load(open(f"{sys.argv[1]}/{name}.json"))
    with torch.no_grad():
        y = model.eval()(torch.tensor(case["x"]).reshape(case["shape"]))
    out[name] = (y - torch.tensor(case["y"]).reshape(y.shape)).abs().max().item()
print(json.dumps(out))
`;

describe.skipIf(!hasTorch)('savePt → torch.load (PyTorch installed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nn-pt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("re-saves every PyTorch fixture so that torch.load gives the original's values, containers and sharing", () => {
    const names = ['dtypes', 'nested', 'nested-protocol4', 'views', 'ordered', 'legacy', 'mlp', 'cnn', 'exact', 'shared'];
    const args = names.flatMap((name) => {
      const original = new URL(`./fixtures/${name}.pt`, import.meta.url).pathname;
      const ours = join(dir, `${name}.pt`);
      tidy(() => writeFileSync(ours, savePt(loadPt(readFileSync(original)))));
      return [original, ours];
    });
    expect(python(SAME, ...args)).toBe('ok');
  });

  it('an @nn MLP and CNN, saved with savePt(model.stateDict()), load into torch.nn with strict=True and give the same outputs', () => {
    const g = new Generator(7);
    const models: Record<string, [Sequential, number[]]> = {
      mlp: [new Sequential(new Linear(4, 8, { generator: g }), new BatchNorm1d(8), new ReLU(), new Linear(8, 3, { generator: g })), [5, 4]],
      cnn: [
        new Sequential(new Conv2d(1, 4, 3, { padding: 1, generator: g }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(36, 2, { generator: g })),
        [2, 1, 6, 6],
      ],
    };
    for (const [name, [model, shape]] of Object.entries(models))
      tidy(() => {
        model.call(randn(shape, { generator: g })); // training mode: the running statistics move
        model.eval();
        const x = randn(shape, { generator: g });
        const y: Tensor = model.call(x);
        writeFileSync(join(dir, `${name}.pt`), savePt(model.stateDict()));
        writeFileSync(join(dir, `${name}.json`), JSON.stringify({ x: Array.from(x.dataSync()), shape, y: Array.from(y.dataSync()) }));
      });
    const diff = JSON.parse(python(MODULES, dir)) as Record<string, number>;
    expect(diff.mlp).toBeLessThan(1e-5);
    expect(diff.cnn).toBeLessThan(1e-5);
  });
});
