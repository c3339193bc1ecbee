import type { DType, TypedArray } from './dtype.js';

export type Device = 'cpu' | 'webgpu';

/** Opaque handle to a backend's storage for one tensor's elements. Several tensors may share one (reshape, detach). */
export type DataId = object;

/** What a kernel sees of a tensor: where its elements live, and how to read them. Always contiguous, row-major. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * The narrow interface every backend implements: storage management here, and one kernel function per
 * kernel name in the registry (see `kernel-registry.ts`). Backends never see gradients.
 */
export interface Backend {
  readonly name: Device;
  /** Takes ownership of `values` and returns a handle to storage holding them. */
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  /** Reads a copy of the elements. */
  read(dataId: DataId): Promise<TypedArray>;
  /** Reads synchronously; asynchronous devices throw, naming the async form. */
  readSync(dataId: DataId): TypedArray;
  /** Frees the storage. Called once the last tensor referring to it is disposed. */
  disposeData(dataId: DataId): void;
  /** Bytes held by this handle. */
  byteSize(dataId: DataId): number;
  /**
   * Bytes this backend holds for storage, in use or kept for reuse (optional; the CPU backend's heap: its
   * WebAssembly memory, which grows to a loop's high-water mark and stays).
   */
  reservedBytes?(): number;
  /**
   * Kernels that take float16 inputs as they are (Cast, Reshape, ...). Every other kernel computes in float32:
   * the engine widens its float16 inputs and rounds its outputs back (float16-dispatch.ts).
   */
  readonly float16Kernels?: ReadonlySet<string>;
  /** Releases device resources (optional). */
  dispose?(): void;
}

export interface KernelArgs<B extends Backend = Backend, A = Record<string, unknown>> {
  inputs: readonly TensorInfo[];
  attrs: A;
  backend: B;
}

export type KernelFunc<B extends Backend = Backend, A = any> = (args: KernelArgs<B, A>) => TensorInfo;
/** A kernel with several outputs (see `MULTI_OUTPUT_KERNELS`), dispatched by `engine.runKernelMulti`. */
export type MultiKernelFunc<B extends Backend = Backend, A = any> = (args: KernelArgs<B, A>) => TensorInfo[];
