import type { Backend, DataId, TensorInfo } from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';
import { allocArray, heapMemory, heapStats, isHeapArray, releaseArray } from './wasm/heap.js';

/** CPU storage: one typed array per buffer (in the heap, wasm/heap.ts, when a kernel made it there). */
export interface CpuData {
  values: TypedArray;
}

/** The reference backend: plain TypeScript kernels over typed arrays (registered from `kernels/`). */
export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  /** Kernels that copy elements whatever their type; every other kernel sees float16 widened to float32. */
  readonly float16Kernels: ReadonlySet<string> = new Set([
    'Cast', 'Reshape', 'Clone', 'Transpose', 'Slice', 'Expand', 'Concat', 'Gather', 'IndexSelect', 'Im2Col',
  ]);

  /**
   * Takes `values` as a new tensor's storage: copied into the heap where there is one (so the WebAssembly
   * kernels read it in place, and the caller's array is never recycled or seen to change), else used as is.
   */
  write(values: TypedArray, _shape: readonly number[], dtype: DType): DataId {
    if (!heapMemory() || isHeapArray(values) || values.length === 0) return { values } satisfies CpuData;
    const copy = allocArray(dtype, values.length, false);
    copy.set(values);
    return { values: copy } satisfies CpuData;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return (dataId as CpuData).values.slice();
  }

  disposeData(dataId: DataId): void {
    const d = dataId as { values?: TypedArray };
    if (d.values) releaseArray(d.values);
    // Drop the reference so the array can be collected (or its recycled block not misread) via a stale handle.
    d.values = undefined;
  }

  byteSize(dataId: DataId): number {
    return (dataId as CpuData).values.byteLength;
  }

  /** The heap's size (wasm/heap.ts), 0 where there is none: tensors in ordinary arrays are not counted. */
  reservedBytes(): number {
    return heapStats().bytesReserved;
  }

  /** The elements behind `info`, without copying. Kernels must not write into their inputs. */
  values(info: TensorInfo): TypedArray {
    return (info.dataId as CpuData).values;
  }

  /**
   * A new array for a kernel's output: in the heap where there is one, so WebAssembly kernels use it in place
   * and the block is recycled when the tensor is freed. Zero-filled unless `zero` is false (for kernels that
   * write every element). Temporary arrays that never become a tensor's storage must not come from here.
   */
  alloc(dtype: DType, size: number, zero = true): TypedArray {
    return allocArray(dtype, size, zero);
  }

  /** Wraps a kernel's freshly computed elements as its output. */
  make(values: TypedArray, shape: readonly number[], dtype: DType): TensorInfo {
    return { dataId: { values } satisfies CpuData, shape, dtype };
  }
}
