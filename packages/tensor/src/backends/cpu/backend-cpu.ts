import type { Backend, DataId, TensorInfo } from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';

/** CPU storage: one typed array per buffer. */
export interface CpuData {
  values: TypedArray;
}

/** The reference backend: plain TypeScript kernels over typed arrays (registered from `kernels/`). */
export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;

  write(values: TypedArray): DataId {
    return { values } satisfies CpuData;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return (dataId as CpuData).values.slice();
  }

  disposeData(dataId: DataId): void {
    // Drop the reference so the array can be collected even if a stale handle survives.
    (dataId as { values?: TypedArray }).values = undefined as never;
  }

  byteSize(dataId: DataId): number {
    return (dataId as CpuData).values.byteLength;
  }

  /** The elements behind `info`, without copying. Kernels must not write into their inputs. */
  values(info: TensorInfo): TypedArray {
    return (info.dataId as CpuData).values;
  }

  /** Wraps a kernel's freshly computed elements as its output. */
  make(values: TypedArray, shape: readonly number[], dtype: DType): TensorInfo {
    return { dataId: { values } satisfies CpuData, shape, dtype };
  }
}
