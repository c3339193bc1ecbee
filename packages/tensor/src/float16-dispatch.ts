/**
 * float16 on backends whose arithmetic is float32 (the CPU backend; WebGPU, whose kernels read f32): the
 * engine runs a kernel that gets float16 inputs through `runWidened`, which widens those inputs with the
 * backend's own Cast, runs the float32 kernel, and rounds float32 outputs back to float16 when no input was
 * float32 (so float16 in, float16 out; a mixed call is promoted by its op before it gets here). Kernels in a
 * backend's `float16Kernels` (Cast, Reshape, ...) take float16 as it is.
 */
import type { Backend, DataId, KernelArgs, KernelFunc, MultiKernelFunc, TensorInfo } from './backend.js';
import { getKernel } from './kernel-registry.js';

export function runWidened(kernel: KernelFunc | MultiKernelFunc, args: KernelArgs): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const cast = getKernel(backend.name, 'Cast') as KernelFunc;
  const to = (x: TensorInfo, dtype: 'float32' | 'float16') => cast({ inputs: [x], attrs: { dtype }, backend });
  const free = new Set<DataId>();
  const inputs = args.inputs.map((x) => {
    if (x.dtype !== 'float16') return x;
    const wide = to(x, 'float32');
    free.add(wide.dataId);
    return wide;
  });
  let out: TensorInfo | TensorInfo[];
  try {
    out = kernel({ ...args, inputs });
  } catch (e) {
    release(backend, free);
    throw e;
  }
  const narrow = !args.inputs.some((x) => x.dtype === 'float32');
  const outs = (Array.isArray(out) ? out : [out]).map((o) => {
    if (!narrow || o.dtype !== 'float32') {
      free.delete(o.dataId); // an output may share a widened input's storage (a view): it now owns it
      return o;
    }
    free.add(o.dataId);
    return to(o, 'float16');
  });
  release(backend, free);
  return Array.isArray(out) ? outs : outs[0]!;
}

function release(backend: Backend, ids: Set<DataId>): void {
  for (const id of ids) backend.disposeData(id);
}
