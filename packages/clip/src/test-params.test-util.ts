import { tensor, zeros, type Device, type Tensor } from '@nn/tensor';
import golden from './golden/clip.json' with { type: 'json' };

/** Fresh parameters on `device` with the golden gradients (null where the golden parameter has none). */
export function goldenParams(device: Device = 'cpu'): Tensor[] {
  return golden.shapes.map((shape, i) => {
    const p = zeros(shape, { requiresGrad: true, device });
    const g = golden.grads[i];
    p.grad = g ? tensor(g, { shape, device }) : null;
    return p;
  });
}
