import { backward } from '@nn/autograd';
import { crossEntropy, Dropout, Linear, Module, ReLU, Sequential } from '@nn/layers';
import { SGD } from '@nn/optim';
import { manualSeed, randint, randn, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { watchActivations } from './activation-probe.js';
import { formatDiagnostics, recordDiagnostics } from './diagnostics.js';
import { fit } from './fit.js';
import { plotDiagnostics, plotHistory } from './plot.js';
import { loaderFor, setup, spirals } from './spirals.test-util.js';
import { TrainingDiagnostics } from './training-diagnostics.js';

const norm = (t: Tensor) => Math.sqrt(t.mul(t).sum().item());

/** A model with a nested child, so layer names are dotted state-dict prefixes. */
class Net extends Module {
  readonly body: Sequential;
  readonly head: Linear;
  constructor() {
    super();
    this.body = this.registerModule('body', new Sequential(new Linear(3, 8), new ReLU(), new Linear(8, 8), new ReLU()));
    this.head = this.registerModule('head', new Linear(8, 4));
  }
  forward(x: Tensor): Tensor {
    return this.head.call(this.body.call(x));
  }
}

function batch() {
  return { x: randn([16, 3]), y: randint(0, 4, [16]) };
}

describe('recordDiagnostics', () => {
  it('records each parameterised module by its state-dict prefix: norms, gradient norms, update ratios and activations', async () => {
    manualSeed(0);
    const model = new Net();
    const { x, y } = batch();
    const probe = watchActivations(model);
    expect(probe.layers).toEqual(['body.0', 'body.2', 'head']);
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const h1 = tidy(() => model.body.at(0).call(x).detach());
    tidy(() => backward(crossEntropy(model.call(x), y)));
    const before = model.namedParameters().map(([n, p]) => [n, norm(p), norm(p.grad!), p.grad!.dataSync().slice()] as const);

    const rec = await recordDiagnostics(model, { optimizer: opt, activations: probe, step: 7, epoch: 2 });
    probe.remove();

    expect(rec.step).toBe(7);
    expect(rec.epoch).toBe(2);
    expect(rec.layers.map((l) => [l.name, l.type, Object.keys(l.params)])).toEqual([
      ['body.0', 'Linear', ['weight', 'bias']],
      ['body.2', 'Linear', ['weight', 'bias']],
      ['head', 'Linear', ['weight', 'bias']],
    ]);
    const params = rec.layers.flatMap((l) => Object.entries(l.params).map(([n, p]) => [`${l.name}.${n}`, p] as const));
    params.forEach(([name, p], i) => {
      const [n0, theta0, g0, grad] = before[i]!;
      expect(name).toBe(n0);
      expect(p.gradNorm).toBeCloseTo(g0, 5);
      // SGD without momentum: Δθ = -lr ∇θ, so ‖Δθ‖ = 0.1 ‖∇θ‖ and the ratio is that over ‖θ before‖.
      expect(p.updateNorm).toBeCloseTo(0.1 * g0, 5);
      expect(p.updateRatio).toBeCloseTo((0.1 * g0) / theta0, 5);
      const param = model.namedParameters()[i]![1];
      expect(p.norm).toBeCloseTo(norm(param), 5);
      // The gradient is left as it was.
      expect(param.grad!.dataSync()).toEqual(grad);
    });
    // The first layer's output: the mean and (Bessel-corrected) std of Linear(3, 8) on x.
    const a = rec.layers[0]!.activation!;
    expect(a.mean).toBeCloseTo(h1.mean().item(), 5);
    expect(a.std).toBeCloseTo(h1.std().item(), 5);
    expect(rec.layers[2]!.activation).not.toBeNull();

    const table = formatDiagnostics(rec).split('\n');
    expect(table[0]).toBe('step 7, epoch 2');
    expect(table[1]).toMatch(/^layer +type +\|W\| +\|grad W\| +update\/\|W\| +act mean +act std$/);
    expect(table.slice(2).map((l) => l.split(/ +/).slice(0, 2))).toEqual([['body.0', 'Linear'], ['body.2', 'Linear'], ['head', 'Linear']]);
    expect(table[2]!.split(/ +/)[3]).toBe(String(Number(params[0]![1].gradNorm!.toPrecision(3))));
  });

  it('without an optimizer takes no step; parameters without a gradient get null; layers can be chosen', async () => {
    manualSeed(1);
    const model = new Net();
    const w = model.head.weight.dataSync().slice();
    const rec = await recordDiagnostics(model, { layers: ['head'] });
    expect(rec.layers.map((l) => l.name)).toEqual(['head']);
    expect(rec.layers[0]!.params.weight).toEqual({ norm: expect.closeTo(norm(model.head.weight), 5), gradNorm: null, updateNorm: null, updateRatio: null });
    expect(rec.layers[0]!.activation).toBeNull();
    expect(rec.step).toBeNull();
    expect(model.head.weight.dataSync()).toEqual(w);
    const picked = await recordDiagnostics(model, { layers: (name) => name.startsWith('body') });
    expect(picked.layers.map((l) => l.name)).toEqual(['body.0', 'body.2']);
    // No layers at all: an empty record, and the optimizer still steps.
    let stepped = 0;
    const none = await recordDiagnostics(new Sequential(new ReLU()), { optimizer: { step: () => void stepped++ } });
    expect([none.layers, stepped]).toEqual([[], 1]);
  });

  it('rejects bad arguments with messages that name them', async () => {
    const model = new Net();
    await expect(recordDiagnostics(model, { layers: ['body.1'] })).rejects.toThrow(
      "recordDiagnostics: layers: no module with parameters of its own is named 'body.1' (the model's: 'body.0', 'body.2', 'head')",
    );
    await expect(recordDiagnostics(model, { optimzer: 1 } as never)).rejects.toThrow("recordDiagnostics: unknown option 'optimzer'");
    await expect(recordDiagnostics(model, { optimizer: {} as never })).rejects.toThrow('recordDiagnostics: optimizer must have a step() method');
    await expect(recordDiagnostics({} as never)).rejects.toThrow('recordDiagnostics: model must be a Module');
    expect(() => new TrainingDiagnostics(model, { every: 0 })).toThrow('TrainingDiagnostics: every must be a positive integer, got number 0');
    expect(() => watchActivations(model, { layers: 'head' as never })).toThrow('watchActivations: layers must be an array of layer names or a function');
  });
});

describe('watchActivations', () => {
  it('captures training-mode forwards only while enabled and puts forward back exactly on remove()', () => {
    manualSeed(2);
    const model = new Net();
    const lin = model.head;
    const hooked = typeof (lin as unknown as { registerForwardHook?: unknown }).registerForwardHook === 'function';
    const probe = watchActivations(model, { layers: ['head'] });
    const x = randn([4, 3]);
    model.eval();
    tidy(() => void model.call(x));
    expect(probe.take().size).toBe(0);
    model.train();
    probe.enabled = false;
    tidy(() => void model.call(x));
    expect(probe.take().size).toBe(0);
    probe.enabled = true;
    tidy(() => void model.call(x));
    tidy(() => void model.call(x));
    const taken = probe.take();
    expect([...taken.keys()]).toEqual(['head']);
    expect(taken.get('head')!.shape).toEqual([2]);
    taken.get('head')!.dispose();
    expect(probe.take().size).toBe(0);
    probe.remove();
    if (!hooked) expect(Object.prototype.hasOwnProperty.call(lin, 'forward')).toBe(false);
    tidy(() => void model.call(x));
    expect(probe.take().size).toBe(0);
  });

  it('falls back to wrapping forward (undone exactly by remove()) on a Module without forward hooks', () => {
    manualSeed(3);
    const model = new Net();
    const lin = model.head as unknown as { registerForwardHook?: unknown; forward: unknown };
    const own = (k: string) => Object.prototype.hasOwnProperty.call(lin, k);
    lin.registerForwardHook = undefined;
    try {
      const probe = watchActivations(model, { layers: ['head'] });
      expect(own('forward')).toBe(true);
      const x = randn([5, 3]);
      const out = tidy(() => model.call(x).detach());
      const stats = probe.take().get('head')!;
      expect([...stats.dataSync()].map((v) => Number(v.toFixed(5)))).toEqual([out.mean().item(), out.std().item()].map((v) => Number(v.toFixed(5))));
      stats.dispose();
      probe.remove();
      expect(own('forward')).toBe(false);
    } finally {
      delete lin.registerForwardHook;
    }
    expect(own('registerForwardHook')).toBe(false);
  });
});

describe('TrainingDiagnostics', () => {
  const train = spirals(60, 1);

  it('records step 1 and every multiple of `every`, and leaves training bit for bit as without it (Dropout included)', async () => {
    const run = async (withDiagnostics: boolean) => {
      manualSeed(0);
      const model = new Sequential(new Linear(2, 16), new ReLU(), new Dropout(0.2), new Linear(16, 16), new ReLU(), new Linear(16, 2));
      const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const diagnostics = new TrainingDiagnostics(model, { every: 4, optimizer });
      const history = await fit(model, loaderFor(train, 20, 0), {
        optimizer, loss: crossEntropy, epochs: 3, progress: false, callbacks: withDiagnostics ? [diagnostics] : [],
      });
      expect(Object.prototype.hasOwnProperty.call(optimizer, 'step')).toBe(false);
      return { history, weights: model.parameters().map((p) => p.dataSync().slice()), diagnostics };
    };
    const plain = await run(false);
    const diag = await run(true);
    expect(diag.history).toEqual(plain.history);
    expect(diag.weights).toEqual(plain.weights);

    const { records, layers } = diag.diagnostics;
    expect(layers).toEqual(['0', '3', '5']);
    // 6 batches per epoch, 18 steps: the first and every 4th.
    expect(records.map((r) => [r.step, r.epoch])).toEqual([[1, 1], [4, 1], [8, 2], [12, 2], [16, 3]]);
    for (const r of records)
      for (const l of r.layers) {
        for (const p of Object.values(l.params)) {
          expect(p.gradNorm).toBeGreaterThan(0);
          expect(p.updateRatio).toBeGreaterThan(0);
          expect(p.updateRatio).toBeLessThan(1);
        }
        expect(l.activation!.std).toBeGreaterThan(0);
      }
    // SGD's first step has no momentum yet: ‖Δθ‖ = lr ‖∇θ‖.
    const first = records[0]!.layers[0]!.params.weight!;
    expect(first.updateNorm).toBeCloseTo(0.05 * first.gradNorm!, 5);
  });

  it('without an optimizer records gradients and activations but no update ratios; activations can be turned off', async () => {
    const { model, optimizer } = setup(3, 8);
    const diagnostics = new TrainingDiagnostics(model, { every: 100, activations: false, layers: ['4'] });
    const seen: number[] = [];
    const d2 = new TrainingDiagnostics(model, { every: 5, onRecord: (r) => void seen.push(r.step!) });
    await fit(model, loaderFor(train, 40, 0), { optimizer, loss: crossEntropy, epochs: 2, progress: false, callbacks: [diagnostics, d2] });
    expect(diagnostics.records).toHaveLength(1);
    const l = diagnostics.records[0]!.layers;
    expect(l.map((x) => x.name)).toEqual(['4']);
    expect(l[0]!.activation).toBeNull();
    expect(l[0]!.params.weight!.updateRatio).toBeNull();
    expect(l[0]!.params.weight!.gradNorm).toBeGreaterThan(0);
    expect(seen).toEqual([1, 5]);
    expect(d2.records[1]!.layers[0]!.activation).not.toBeNull();
  });
});

describe('plotting diagnostics', () => {
  it('plotHistory draws a second row: gradient norm, update ratio and activation std by layer, and gradient norm over steps', async () => {
    const { model, optimizer } = setup(4, 8);
    const diagnostics = new TrainingDiagnostics(model, { every: 3, optimizer });
    const history = await fit(model, loaderFor(spirals(60, 1), 20, 0), {
      optimizer, loss: crossEntropy, epochs: 2, progress: false, callbacks: [diagnostics],
    });
    const svg = plotHistory(history, { diagnostics, logScaleLoss: true });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1440" height="600"')).toBe(true);
    const names = [...svg.matchAll(/class="panel" data-name="([^"]*)"/g)].map((m) => m[1]);
    expect(names).toEqual(['loss', 'accuracy', 'gradNorm', 'updateRatio', 'activationStd', 'gradNormSteps']);
    expect(svg).toContain('>gradient norm by layer (log scale)</text>');
    expect(svg).toContain('>layer depth (1 = input side)</text>');
    // Records at steps 1, 3, 6, 9, 12: four spread over them by layer, and first/middle/last layers over steps.
    expect(diagnostics.records.map((r) => r.step)).toEqual([1, 3, 6, 9, 12]);
    for (const key of ['step 1', 'step 3', 'step 9', 'step 12', 'first (0)', 'middle (2)', 'last (4)']) expect(svg).toContain(`data-key="${key}"`);
    expect(svg).not.toContain('data-key="step 6"');
    // The by-layer panels' x ticks are the depths 1..3.
    const x = svg.split('data-name="gradNorm"')[1]!.split('</g>\n<g class="panel"')[0]!;
    expect([...x.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['1', '2', '3']);

    const alone = plotDiagnostics(diagnostics.records, { title: 'diagnostics' });
    expect([...alone.matchAll(/class="panel" data-name="([^"]*)"/g)].map((m) => m[1])).toEqual(['gradNorm', 'updateRatio', 'activationStd', 'gradNormSteps']);
    expect(alone).toContain('height="300"');
    expect(plotHistory(history, { diagnostics: [] })).toBe(plotHistory(history));
    expect(() => plotHistory(history, { diagnostics: 3 as never })).toThrow('plotHistory: diagnostics must be a TrainingDiagnostics callback or an array');
  });
});
