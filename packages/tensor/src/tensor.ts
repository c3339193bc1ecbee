import type { Backend, DataId, Device } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { decodeHalf } from './float16.js';
import { fmtShape, shapesEqual, sizeOf } from './shape.js';
import { journal } from './state-journal.js';
// Type-only: the engine module imports this one, and `engine` is only reached lazily at call time.
import type * as EngineModule from './engine.js';

let engineRef: typeof EngineModule.engine | undefined;
/** Called once by engine.ts so that Tensor methods can reach the engine without an import cycle at load time. */
export function bindEngine(e: typeof EngineModule.engine): void {
  engineRef = e;
}
function eng(): typeof EngineModule.engine {
  if (!engineRef) throw new Error('Tensor: engine not initialised');
  return engineRef;
}

export type NestedArray<T> = T | NestedArray<T>[];

/**
 * An n-dimensional array on one device. Elements are contiguous, row-major. Ops are available as functions
 * (`add(a, b)`) and as methods (`a.add(b)`). Storage is freed by `dispose()`, `tidy`, or `using`.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  private _dataId: DataId;
  private _disposed = false;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;

  constructor(
    readonly id: number,
    dataId: DataId,
    shape: number[],
    readonly dtype: DType,
    /** The backend that owns the storage. */
    readonly backendImpl: Backend,
  ) {
    this._dataId = dataId;
    this.shape = Object.freeze(shape);
    this.size = sizeOf(shape);
  }

  get dataId(): DataId {
    return this._dataId;
  }
  /** @internal used by the engine's in-place `assign`. */
  setDataId(d: DataId): void {
    this._dataId = d;
  }
  /** @internal used by the engine's `assign` when the storage it swaps in is on another device (Module.to). */
  setBackendImpl(b: Backend): void {
    (this as { backendImpl: Backend }).backendImpl = b;
  }

  get rank(): number {
    return this.shape.length;
  }
  get device(): Device {
    return this.backendImpl.name;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** @internal */
  markDisposed(): void {
    this._disposed = true;
  }

  /** Whether gradients flow to this tensor. Only floating (float32, float16) tensors can require gradients. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && this.dtype !== 'float32' && this.dtype !== 'float16')
      throw new Error(`requiresGrad: only floating (float32, float16) tensors can require gradients, got ${this.dtype}`);
    journal?.slot(this);
    this._requiresGrad = v;
  }

  /** Accumulated gradient (same shape as this tensor), or null. */
  get grad(): Tensor | null {
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new Error(`grad: must be a Tensor or null, got ${typeof g}`);
      if (!shapesEqual(g.shape, this.shape))
        throw new Error(`grad: shape ${fmtShape(g.shape)} does not match the tensor's shape ${fmtShape(this.shape)}`);
    }
    journal?.slot(this);
    this._grad = g;
  }

  private assertLive(op: string): void {
    if (!this._disposed) return;
    const why = engineRef?.disposeReason(this);
    throw new Error(`${op}: tensor (shape ${fmtShape(this.shape)}, ${this.dtype}) has been disposed${why ? ` (${why})` : ''}`);
  }

  /** A copy of the elements, on any backend (float16 as a Float32Array of the halves' values). */
  async data(): Promise<TypedArray> {
    this.assertLive('data');
    return readable(await this.backendImpl.read(this._dataId), this.dtype);
  }

  /** A copy of the elements, synchronously; CPU only (WebGPU throws and names `await t.data()`). */
  dataSync(): TypedArray {
    this.assertLive('dataSync');
    return readable(this.backendImpl.readSync(this._dataId), this.dtype);
  }

  /**
   * The single element of a one-element tensor as a number, synchronously (CPU only): `total += loss.item()`
   * type-checks. A bool tensor gives 1 or 0 (`Boolean(mask.item())` for a boolean; `arraySync()` keeps booleans):
   * the dtype is known only at run time, so one return type that holds for every tensor is the type-safe one.
   */
  item(): number {
    this.assertLive('item');
    if (this.size !== 1) throw new Error(`item: tensor has ${this.size} elements (shape ${fmtShape(this.shape)}); item() needs exactly one`);
    return readable(this.backendImpl.readSync(this._dataId), this.dtype)[0]!;
  }

  /** The number of elements (PyTorch's `numel()`; the same as `size`). */
  numel(): number {
    return this.size;
  }

  /** Nested JavaScript arrays of the elements (booleans for bool tensors). */
  async array(): Promise<NestedArray<number | boolean>> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  arraySync(): NestedArray<number | boolean> {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** This tensor on `device`: itself if already there, else a copy (not tracked by autograd). Reading back from WebGPU needs `toAsync`. */
  to(device: Device): Tensor {
    this.assertLive('to');
    if (device === this.device) return this;
    const target = eng().backendFor('to', device);
    return eng().makeTensor({ dataId: target.write(this.backendImpl.readSync(this._dataId), this.shape, this.dtype), shape: this.shape, dtype: this.dtype }, target, 'to');
  }

  /** Like `to`, but reads asynchronously, so it also moves tensors off WebGPU. */
  async toAsync(device: Device): Promise<Tensor> {
    this.assertLive('toAsync');
    if (device === this.device) return this;
    const target = eng().backendFor('toAsync', device);
    const values = await this.backendImpl.read(this._dataId);
    return eng().makeTensor({ dataId: target.write(values, this.shape, this.dtype), shape: this.shape, dtype: this.dtype }, target, 'toAsync');
  }

  /** A tensor sharing this one's storage, outside any gradient graph. */
  detach(): Tensor {
    this.assertLive('detach');
    return eng().makeTensor({ dataId: this._dataId, shape: this.shape, dtype: this.dtype }, this.backendImpl, 'detach');
  }

  /**
   * Replaces this tensor's elements with `value`'s (same shape and dtype) in place, keeping its identity:
   * how parameters, optimizer state and running statistics are updated. Not recorded by autograd.
   */
  assign(value: Tensor): this {
    this.assertLive('assign');
    if (!(value instanceof Tensor)) throw new Error(`assign: value must be a Tensor, got ${typeof value}`);
    value.assertLive('assign');
    if (!shapesEqual(value.shape, this.shape))
      throw new Error(`assign: shape ${fmtShape(value.shape)} does not match the target's shape ${fmtShape(this.shape)}`);
    if (value.dtype !== this.dtype) throw new Error(`assign: dtype ${value.dtype} does not match the target's dtype ${this.dtype}`);
    if (value.backendImpl !== this.backendImpl) throw new Error(`assign: value is on ${value.device}, target on ${this.device}`);
    eng().assign(this, value);
    return this;
  }

  dispose(): void {
    eng().dispose(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    const head = `Tensor(shape=${fmtShape(this.shape)}, dtype=${this.dtype}, device=${this.device}`;
    if (this._disposed) return `${head}, disposed)`;
    if (this.device !== 'cpu' || this.size > 100) return `${head})`;
    return `${head}, ${JSON.stringify(this.arraySync())})`;
  }
}

/** Storage as users read it: float16 bit patterns decoded to float32 values. */
function readable(values: TypedArray, dtype: DType): TypedArray {
  return dtype === 'float16' ? decodeHalf(values as Uint16Array) : values;
}

function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray<number | boolean> {
  const conv = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]!);
  const build = (dim: number, offset: number): NestedArray<number | boolean>[] => {
    const n = shape[dim]!;
    const out: NestedArray<number | boolean>[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(values[offset + i]!);
    } else {
      const stride = sizeOf(shape.slice(dim + 1));
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
    }
    return out;
  };
  return build(0, 0);
}
