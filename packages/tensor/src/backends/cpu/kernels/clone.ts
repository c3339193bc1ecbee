import { registerKernel } from '../../../kernel-registry.js';
import type { CpuBackend } from '../backend-cpu.js';

/** A copy of the elements in fresh storage (unlike Reshape, which shares). */
registerKernel<CpuBackend>('cpu', 'Clone', ({ inputs: [x], backend }) =>
  backend.make(backend.values(x!).slice(), x!.shape, x!.dtype),
);
