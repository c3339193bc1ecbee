import type { Backend, DataId, TensorInfo } from '../../backend.js';
import { makeArray, type DType, type TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { BufferPool, type PoolStats } from './buffer-pool.js';
import { acquireDevice, type AcquiredDevice } from './gpu-init.js';
import { programHeader, wgslType, type Program } from './program.js';
import './kernels/index.js';

// GPUBufferUsage / GPUMapMode values are fixed by the spec; spelled out so Node needs no injected globals.
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const MAP_MODE_READ = 0x1;
const SHADER_STAGE_COMPUTE = 0x4;

/** WebGPU storage for one tensor's elements: a pooled GPUBuffer of 4 bytes per element (bool as u32). */
export interface GpuData {
  buffer: GPUBuffer;
  dtype: DType;
  /** Number of elements (the buffer may be larger: sizes are bucketed for reuse). */
  size: number;
}

export interface WebGpuStats {
  pipelinesCompiled: number;
  pipelineCacheHits: number;
  dispatches: number;
  submits: number;
}

const STORAGE_USAGE = STORAGE | COPY_SRC | COPY_DST;

/**
 * The WebGPU backend: tensors live in GPUBuffers, kernels are WGSL programs (see `program.ts`, registered from
 * `kernels/`). Work is recorded into one shared command encoder and submitted only when data is read or after
 * `maxDispatchesPerSubmit` dispatches, because each submit has a fixed cost and a training step issues hundreds
 * of small kernels.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  /** Dispatches recorded before the shared encoder is submitted without waiting for a read. */
  maxDispatchesPerSubmit = 32;
  private readonly stats: WebGpuStats = { pipelinesCompiled: 0, pipelineCacheHits: 0, dispatches: 0, submits: 0 };
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<number, GPUPipelineLayout>();
  private readonly bindLayouts = new Map<number, GPUBindGroupLayout>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private commandsInBatch = 0;
  /** The first asynchronous device error (shader compile, validation), reported by the next read. */
  private error: string | null = null;
  private lost: string | null = null;
  private disposed = false;
  // Dawn (Node) keeps its instance, and the process, alive while the GPU object is referenced: held until dispose.
  private gpu: GPU | null;

  constructor({ device, gpu }: AcquiredDevice) {
    this.device = device;
    this.gpu = gpu;
    this.pool = new BufferPool(device);
    device.addEventListener('uncapturederror', (ev) => this.recordError((ev as GPUUncapturedErrorEvent).error.message));
    void device.lost.then((info) => {
      if (!this.disposed) this.lost = info.message || String(info.reason);
    });
  }

  // ---- storage ----

  write(values: TypedArray, _shape: readonly number[], dtype: DType): DataId {
    this.assertUsable('write');
    const data = this.alloc(values.length, dtype);
    if (values.length > 0) {
      // Bool is one byte per element on the CPU but a u32 on the GPU (WGSL has no 8-bit storage type).
      const src = dtype === 'bool' ? Uint32Array.from(values as Uint8Array) : values;
      this.device.queue.writeBuffer(data.buffer, 0, src as ArrayBufferView<ArrayBuffer>);
    }
    return data;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    this.assertUsable('data');
    const { buffer, dtype, size } = dataId as GpuData;
    if (!buffer) throw new Error('data: the tensor\'s webgpu storage has been released');
    const bytes = size * 4;
    if (bytes === 0) return makeArray(dtype, 0);
    const staging = this.pool.acquire(bytes, MAP_READ | COPY_DST);
    this.copyBuffer(buffer, staging, bytes);
    const errors = this.submit();
    await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    const raw = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.pool.release(staging, false);
    await errors;
    this.assertUsable('data');
    if (dtype === 'float32') return new Float32Array(raw);
    if (dtype === 'int32') return new Int32Array(raw);
    return Uint8Array.from(new Uint32Array(raw));
  }

  readSync(): TypedArray {
    throw new Error(
      "dataSync: tensor is on 'webgpu', whose data can only be read asynchronously; use `await t.data()` " +
        "(or `await t.array()`, or `await t.toAsync('cpu')` to move it): dataSync(), arraySync(), item() and to('cpu') read synchronously",
    );
  }

  disposeData(dataId: DataId): void {
    const d = dataId as GpuData;
    if (!d.buffer) return;
    // Until the encoder that may read it is submitted, the buffer must not be handed to a queue.writeBuffer.
    this.pool.release(d.buffer, this.encoder !== null);
    d.buffer = undefined as never;
  }

  byteSize(dataId: DataId): number {
    return (dataId as GpuData).buffer.size;
  }

  /** Fresh (uninitialised) storage for `size` elements of `dtype`. */
  alloc(size: number, dtype: DType): GpuData {
    const bytes = Math.max(size, 1) * 4;
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > max) throw new Error(`webgpu: a tensor of ${size} elements (${bytes} bytes) exceeds the device's maxStorageBufferBindingSize of ${max} bytes`);
    return { buffer: this.pool.acquire(bytes, STORAGE_USAGE), dtype, size };
  }

  /** The storage behind a kernel input. */
  data(info: TensorInfo): GpuData {
    return info.dataId as GpuData;
  }

  // ---- command recording ----

  /**
   * Records one launch of `program` reading `inputs` and returns its output tensor. Nothing runs until the
   * shared encoder is submitted; the caller sees the result through `read`.
   */
  runProgram(program: Program, inputs: readonly TensorInfo[], outShape: readonly number[], outDtype: DType): TensorInfo {
    this.assertUsable(program.shaderKey);
    const out = this.alloc(sizeOf(outShape), outDtype);
    const info: TensorInfo = { dataId: out, shape: outShape, dtype: outDtype };
    if (sizeOf(outShape) === 0 || program.dispatch.some((n) => n === 0)) return info;
    this.encode(program, inputs.map((t) => this.data(t).buffer), inputs.map((t) => t.dtype), out.buffer, outDtype);
    return info;
  }

  /** Records `program` writing into an existing output buffer (multi-pass kernels). */
  encode(program: Program, inputs: readonly GPUBuffer[], inputDtypes: readonly DType[], out: GPUBuffer, outDtype: DType): void {
    const pipeline = this.pipelineFor(program, inputDtypes, outDtype);
    const words = Math.max(4, Math.ceil(program.uniforms.length / 4) * 4);
    const uniform = this.pool.acquire(words * 4, UNIFORM | COPY_DST);
    const words32 = new Uint32Array(words);
    words32.set(program.uniforms);
    this.device.queue.writeBuffer(uniform, 0, words32);
    const entries: GPUBindGroupEntry[] = inputs.map((buffer, i) => ({ binding: i, resource: { buffer } }));
    entries.push({ binding: inputs.length, resource: { buffer: out } });
    entries.push({ binding: inputs.length + 1, resource: { buffer: uniform } });
    const bindGroup = this.device.createBindGroup({ layout: this.bindLayout(inputs.length), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...program.dispatch);
    this.pool.release(uniform, true);
    this.stats.dispatches++;
    this.afterCommand();
  }

  /** Records a buffer-to-buffer copy of `bytes` bytes. */
  copyBuffer(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, 0, dst, 0, bytes);
    this.afterCommand();
  }

  /**
   * Submits everything recorded so far. Resolves once the device has validated the submission; a validation
   * error is kept and reported by the next read.
   */
  submit(): Promise<void> {
    if (!this.encoder) return Promise.resolve();
    this.endPass();
    this.device.pushErrorScope('validation');
    this.device.queue.submit([this.encoder.finish()]);
    const scope = this.device.popErrorScope().then((e) => {
      if (e) this.recordError(e.message);
    });
    this.encoder = null;
    this.commandsInBatch = 0;
    this.stats.submits++;
    this.pool.onSubmit();
    return scope;
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private afterCommand(): void {
    if (++this.commandsInBatch >= this.maxDispatchesPerSubmit) void this.submit();
  }

  // ---- pipelines ----

  private pipelineFor(program: Program, inputs: readonly DType[], output: DType): GPUComputePipeline {
    const vec4s = Math.max(1, Math.ceil(program.uniforms.length / 4));
    const key = `${program.shaderKey}|${inputs.map(wgslType).join(',')}>${wgslType(output)}|u${vec4s}|wg${program.workgroupSize.join('x')}`;
    const hit = this.pipelines.get(key);
    if (hit) {
      this.stats.pipelineCacheHits++;
      return hit;
    }
    const code = `${programHeader(inputs, output, vec4s)}\n${program.getUserCode()}`;
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: key });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.pipelineLayout(inputs.length),
      compute: { module, entryPoint: 'main' },
    });
    void this.device.popErrorScope().then((e) => {
      if (!e) return;
      // Forget the invalid pipeline so a later use recompiles and reports the real error again.
      this.pipelines.delete(key);
      this.recordError(`shader '${key}' failed to compile: ${e.message}\n${code}`);
    });
    this.pipelines.set(key, pipeline);
    this.stats.pipelinesCompiled++;
    return pipeline;
  }

  /** Bindings of every program: inputs (read-only storage), the output (storage), then the `uniforms` uniform buffer. */
  private bindLayout(numInputs: number): GPUBindGroupLayout {
    let layout = this.bindLayouts.get(numInputs);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < numInputs; i++) entries.push({ binding: i, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } });
      entries.push({ binding: numInputs, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'storage' } });
      entries.push({ binding: numInputs + 1, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform' } });
      this.bindLayouts.set(numInputs, (layout = this.device.createBindGroupLayout({ entries })));
    }
    return layout;
  }

  private pipelineLayout(numInputs: number): GPUPipelineLayout {
    let layout = this.layouts.get(numInputs);
    if (!layout) this.layouts.set(numInputs, (layout = this.device.createPipelineLayout({ bindGroupLayouts: [this.bindLayout(numInputs)] })));
    return layout;
  }

  // ---- health, stats, teardown ----

  private recordError(message: string): void {
    this.error ??= message;
  }

  private assertUsable(op: string): void {
    if (this.disposed) throw new Error(`${op}: the webgpu backend has been disposed`);
    if (this.lost) throw new Error(`${op}: the WebGPU device was lost: ${this.lost}`);
    if (this.error) {
      const message = this.error;
      this.error = null;
      throw new Error(`${op}: an earlier WebGPU command failed: ${message}`);
    }
  }

  /** Counters for tests and profiling: pipelines compiled vs. served from the cache, dispatches, submits, pool. */
  getStats(): WebGpuStats & { pool: PoolStats } {
    return { ...this.stats, pool: this.pool.getStats() };
  }

  /** Submits pending work, frees pooled buffers and destroys the device. Tensors on it become unusable. */
  dispose(): void {
    if (this.disposed) return;
    void this.submit();
    this.disposed = true;
    this.pool.destroy();
    this.pipelines.clear();
    this.device.destroy();
    this.gpu = null;
  }
}

/** The factory behind `setBackend('webgpu')`. */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  return new WebGpuBackend(await acquireDevice());
}
