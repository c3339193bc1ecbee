/**
 * The library test page (browser.test.ts drives it in Chromium): `?backend=cpu|webgpu` picks the backend, and
 * each check in `window.checks` returns plain data for the test to assert — tensor ops, autograd, fit with
 * checkpoints in IndexedDB and a resume, save/load through IndexedDB, OPFS and a download, and the errors.
 */
import {
  AdamW, DataLoader, Generator, Linear, ReLU, Sequential, TensorDataset, backward, crossEntropy, evaluate, fit, listFiles,
  loadFile, manualSeed, randn, readIdxFile, removeFile, saveFile, setBackend, softmax, tensor, type Device, type Tensor,
} from '@nn/all';

const device = (new URLSearchParams(location.search).get('backend') ?? 'cpu') as Device;
await setBackend(device);

const values = async (t: Tensor) => Array.from(await t.data());
/** The exact bits of every tensor of a state dict, to compare two of them. */
async function bits(sd: Record<string, Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(sd)) out[k] = Array.from(new Uint8Array((await t.data()).slice().buffer));
  return out;
}
const same = async (a: Record<string, Tensor>, b: Record<string, Tensor>) => JSON.stringify(await bits(a)) === JSON.stringify(await bits(b));
const errorOf = async (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);

/** Two interleaved spirals, `n` points each, with a fixed pseudo-random jitter: features [2n, 2], labels [2n]. */
function spirals(n: number): { x: Tensor; y: Tensor } {
  const xs = new Float32Array(4 * n);
  const ys = new Int32Array(2 * n);
  let s = 1;
  const jitter = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.04;
  for (let c = 0; c < 2; c++)
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 1.0 + 0.05;
      const t = (i / n) * 2.5 * Math.PI + c * Math.PI;
      const k = c * n + i;
      xs[2 * k] = r * Math.cos(t) + jitter();
      xs[2 * k + 1] = r * Math.sin(t) + jitter();
      ys[k] = c;
    }
  return { x: tensor(xs, { shape: [2 * n, 2] }), y: tensor(ys) };
}

function mlp(seed: number) {
  manualSeed(seed);
  const model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 2));
  return { model, optimizer: new AdamW(model.parameters(), { lr: 0.03 }) };
}

const CKPT = 'indexeddb://nn-browser-test/spirals.ckpt';

const checks = {
  device: () => device,

  async ops() {
    const a = tensor([[1, 2], [3, 4]]);
    manualSeed(0);
    const p = randn([33, 17]);
    const q = randn([17, 29]);
    const onCpu = (await p.toAsync('cpu')).matmul(await q.toAsync('cpu'));
    const diff = await (await p.matmul(q).toAsync('cpu')).sub(onCpu).abs().max().data();
    return {
      device: a.device,
      matmul: await values(a.matmul(tensor([[5, 6], [7, 8]]))),
      broadcast: await values(tensor([[1], [2]]).add(tensor([10, 20, 30]))),
      softmax: await values(softmax(tensor([1, 2, 3]), 0)),
      sum1: await values(tensor([[1, 2, 3], [4, 5, 6]]).sum(1)),
      mean0: await values(tensor([[1, 2, 3], [4, 5, 6]]).mean(0)),
      var: await values(tensor([1, 2, 3, 4]).var()),
      argmax1: await values(tensor([[1, 5, 2], [7, 0, 3]]).argmax(1)),
      unary: await values(tensor([0, 1, -1]).sigmoid().add(tensor([0, 1, -1]).tanh()).add(tensor([0, 1, -1]).relu())),
      transposed: await values(tensor([0, 1, 2, 3, 4, 5]).reshape([2, 3]).transpose(0, 1)),
      matmulVsCpu: diff[0],
    };
  },

  async autograd() {
    // The lecture's f(x) = (x² + sin x²)·x², with x² used twice (fan-out).
    const x = tensor([1.5], { requiresGrad: true });
    const x2 = x.mul(x);
    backward(x2.add(x2.sin()).mul(x2).sum());
    const a = tensor([2], { requiresGrad: true });
    backward(a.mul(a).add(a.mul(3)).sum());
    const w = tensor([[0.5, -1, 2], [1, 0, -0.5]], { requiresGrad: true });
    backward(w.matmul(tensor([[1], [2], [3]])).sum());
    const logits = tensor([[1, 2, 3]], { requiresGrad: true });
    backward(crossEntropy(logits, tensor([2], { dtype: 'int32' })));
    return { f: await values(x.grad!), fanOut: await values(a.grad!), matmul: await values(w.grad!), crossEntropy: await values(logits.grad!) };
  },

  /** Trains 10 epochs with checkpoints in IndexedDB, then resumes a fresh model from them up to `epochs`. */
  async fit(epochs: number) {
    const data = spirals(100);
    const loader = () => new DataLoader(new TensorDataset(data.x, data.y), { batchSize: 40, shuffle: true, generator: new Generator(0) });
    const first = mlp(0);
    const a = await fit(first.model, loader(), { optimizer: first.optimizer, loss: crossEntropy, epochs: 10, progress: false, checkpoint: { path: CKPT } });
    const again = mlp(1);
    const trainLoader = loader();
    const b = await fit(again.model, trainLoader, {
      optimizer: again.optimizer, loss: crossEntropy, epochs, progress: false, checkpoint: { path: CKPT }, resume: CKPT,
    });
    const test = await evaluate(again.model, new DataLoader(new TensorDataset(data.x, data.y), { batchSize: 200 }), { loss: crossEntropy });
    const saved = await loadFile<{ epoch: number }>(CKPT);
    return { first: a, resumed: b, test, checkpointEpoch: saved.epoch, files: await listFiles('indexeddb://') };
  },

  /** saveFile → loadFile through each store gives the same bits; removeFile deletes; listFiles lists. */
  async roundTrips() {
    const { model, optimizer } = mlp(2);
    const out: Record<string, unknown> = {};
    for (const at of ['indexeddb://nn-browser-test/model.nn', 'opfs://nn-browser-test/model.nn']) {
      await saveFile(at, { model: model.stateDict(), optimizer: optimizer.stateDict(), step: 3 });
      const back = await loadFile<{ model: Record<string, Tensor>; step: number }>(at);
      const listed = await listFiles(at.startsWith('opfs') ? 'opfs://nn-browser-test' : 'indexeddb://');
      await removeFile(at);
      out[at] = { identical: await same(model.stateDict(), back.model), step: back.step, listed, afterRemove: await errorOf(loadFile(at)) };
    }
    return out;
  },

  /** The old contents for the quota test. */
  async beforeQuota() {
    await saveFile('indexeddb://nn-browser-test/quota', { version: 1 });
    await saveFile('opfs://nn-browser-test/quota', { version: 1 });
  },

  /** Saves 8 MB, over a 1 MB quota: each save fails whole, naming the cause; the old contents stay. */
  async overQuota() {
    const big = { version: 2, w: randn([2_000_000]) }; // random: Chromium compresses what IndexedDB stores
    const out: Record<string, { error: { message: string; cause?: string } | null; after: number | string }> = {};
    for (const at of ['indexeddb://nn-browser-test/quota', 'opfs://nn-browser-test/quota', 'opfs://nn-browser-test/new']) {
      const error = await saveFile(at, big).then(
        () => null,
        (e: Error) => ({ message: e.message, cause: (e.cause as Error | undefined)?.name }),
      );
      out[at] = { error, after: await loadFile<{ version: number }>(at).then((r) => r.version, (e: Error) => e.message) };
    }
    return out;
  },

  /** What file paths, unknown schemes and missing keys say in a browser. */
  async errors() {
    const { model, optimizer } = mlp(0);
    const data = spirals(4);
    const loader = new DataLoader(new TensorDataset(data.x, data.y), { batchSize: 4 });
    return {
      savePath: await errorOf(saveFile('checkpoints/run.ckpt', { a: 1 })),
      fitPath: await errorOf(fit(model, loader, { optimizer, loss: crossEntropy, checkpoint: { path: 'run.ckpt' }, progress: false })),
      readIdx: await errorOf(readIdxFile('train-images-idx3-ubyte.gz')),
      missingKey: await errorOf(loadFile('indexeddb://no-such-key')),
      missingFile: await errorOf(loadFile('opfs://no/such.nn')),
      scheme: await errorOf(loadFile('idb://model')),
      loadDownload: await errorOf(loadFile('downloads://model.nn')),
    };
  },

  /** Saves the trained-from-seed-3 model as a download (the test catches it and picks it in the file input). */
  async download() {
    await saveFile('downloads://spirals-model.nn', { model: mlp(3).model.stateDict() });
  },

  /** Loads the file picked in the input and compares it with the model it was saved from. */
  async loadPicked() {
    const file = document.querySelector<HTMLInputElement>('[data-testid=picker]')!.files![0]!;
    const back = await loadFile<{ model: Record<string, Tensor> }>(file);
    return { name: file.name, identical: await same(mlp(3).model.stateDict(), back.model) };
  },
};

declare global {
  interface Window {
    checks: typeof checks;
  }
}
window.checks = checks;
document.querySelector('[data-testid=status]')!.textContent = `ready: ${device}`;
