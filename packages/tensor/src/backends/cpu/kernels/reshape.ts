import { registerKernel } from '../../../kernel-registry.js';
import type { CpuBackend } from '../backend-cpu.js';

/** Reshape shares storage: same elements, new shape (the op has checked the sizes). */
registerKernel<CpuBackend>('cpu', 'Reshape', ({ inputs: [x], attrs }) => ({
  dataId: x!.dataId,
  shape: (attrs as { shape: number[] }).shape,
  dtype: x!.dtype,
}));
