// docs/normalization.md: the 30-layer ReLU MLP of the initialisation study with Xavier weights (the case whose
// signal vanishes), without normalisation and with BatchNorm1d or LayerNorm after each Linear: the std of each
// Linear layer's output, recorded at initialisation with @nn's diagnostics.
import {
  backward, BatchNorm1d, crossEntropy, LayerNorm, Linear, manualSeed, noGrad, plotCurves, randint, randn, recordDiagnostics, ReLU,
  Sequential, tidy, watchActivations, xavierNormal, type Module,
} from '@nn/all';

const NORMS = { 'no normalisation': null, BatchNorm1d, LayerNorm } as const;

async function linearStds(norm: typeof BatchNorm1d | typeof LayerNorm | null, depth = 30, width = 256, batch = 256): Promise<number[]> {
  manualSeed(0);
  const modules: Module[] = [];
  for (let i = 0; i < depth; i++) {
    const layer = new Linear(width, width);
    noGrad(() => {
      const w = xavierNormal(layer.weight.shape);
      layer.weight.assign(w);
      layer.bias!.zero_();
      w.dispose();
    });
    modules.push(layer);
    if (i < depth - 1) modules.push(...(norm ? [new norm(width)] : []), new ReLU());
  }
  const model = new Sequential(...modules);
  const x = randn([batch, width]);
  const y = randint(0, width, [batch]);
  const probe = watchActivations(model, { layers: (_, m) => m instanceof Linear });
  tidy(() => backward(crossEntropy(model.call(x), y)));
  const record = await recordDiagnostics(model, { activations: probe, layers: (_, m) => m instanceof Linear });
  probe.remove();
  for (const t of [x, y, ...model.parameters(), ...model.buffers()]) t.dispose();
  return record.layers.map((l) => l.activation!.std);
}

export default async function figures(): Promise<Record<string, string>> {
  const series: Record<string, number[]> = {};
  for (const [name, norm] of Object.entries(NORMS)) series[name] = await linearStds(norm);
  const x = series['no normalisation']!.map((_, i) => i + 1);
  return {
    'normalization-activations.svg': plotCurves(series, {
      x, xLabel: 'layer (1 = input side)', title: 'std of each Linear layer’s output, Xavier + ReLU', logScale: true, width: 560,
    }),
  };
}
