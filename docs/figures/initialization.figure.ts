// docs/initialization.md: activation std and gradient norm by depth in a 30-layer MLP at initialisation,
// Xavier vs He under tanh and ReLU (the study in init-study.ts).
import { plotCurves } from '@nn/all';
import { initStudy } from './init-study.js';

export default async function figures(): Promise<Record<string, string>> {
  const study = await initStudy();
  const x = study.activationStd['ReLU, He'].map((_, i) => i + 1);
  const xLabel = 'layer (1 = input side)';
  return {
    'initialization-activations.svg': plotCurves(study.activationStd, { x, xLabel, title: 'std of each layer’s output', logScale: true, width: 560 }),
    'initialization-gradients.svg': plotCurves(study.gradNorm, { x, xLabel, title: 'gradient norm of each layer’s weight', logScale: true, width: 560 }),
  };
}
