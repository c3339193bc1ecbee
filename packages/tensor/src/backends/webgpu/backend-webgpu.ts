import type { Backend, DataId, TensorInfo } from '../../backend.js';
import { makeArray, type DType, type TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { BufferPool, type PoolStats } from './buffer-pool.js';
import { acquireDevice, type AcquiredDevice } from './gpu-init.js';
import { programHeader, storageBytes, wgslType, type Program } from './program.js';
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

/** What `endCompileOnly` reports: pipelines compiled for the recorded programs, and those already compiled. */
export interface CompileOnlyResult {
  pipelines: number;
  cached: number;
}

/**
 * A pipeline in the cache: `pipeline` is set once `createComputePipelineAsync` resolves; `ready` resolves to it,
 * or to null when the shader failed to compile (the error is recorded for the next read).
 */
interface PipelineEntry {
  pipeline: GPUComputePipeline | null;
  ready: Promise<GPUComputePipeline | null>;
}

/** A command recorded while an earlier one waits for its pipeline; encoded in order once `entry` is ready. */
interface DeferredCommand {
  entry: PipelineEntry | null;
  encode(pipeline: GPUComputePipeline | null): void;
}

const STORAGE_USAGE = STORAGE | COPY_SRC | COPY_DST;

/**
 * The WebGPU backend: tensors live in GPUBuffers, kernels are WGSL programs (see `program.ts`, registered from
 * `kernels/`). Work is recorded into one shared command encoder and submitted only when data is read or after
 * `maxDispatchesPerSubmit` dispatches, because each submit has a fixed cost and a training step issues hundreds
 * of small kernels.
 *
 * Pipelines are compiled with `createComputePipelineAsync`, so the JS thread never waits for a compiler and
 * several shaders compile at once. A kernel whose pipeline is still compiling is kept, with every command after
 * it, in a deferred list that is encoded in order once the pipelines are ready; kernels still return at once.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  /** Kernels that handle packed halves themselves (kernels/half.ts); the rest see float16 widened to f32. */
  readonly float16Kernels: ReadonlySet<string> = new Set(['Cast', 'Clone', 'Reshape']);
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  /** Dispatches recorded before the shared encoder is submitted without waiting for a read. */
  maxDispatchesPerSubmit = 32;
  /**
   * Compile pipelines with `createComputePipelineAsync` (default). `false` compiles each one synchronously at its
   * kernel's first dispatch, as earlier versions did (kept to measure the difference: `bench/webgpu-startup.js`).
   */
  asyncPipelines = true;
  private readonly stats: WebGpuStats = { pipelinesCompiled: 0, pipelineCacheHits: 0, dispatches: 0, submits: 0 };
  private readonly pipelines = new Map<string, PipelineEntry>();
  private readonly layouts = new Map<number, GPUPipelineLayout>();
  private readonly bindLayouts = new Map<number, GPUBindGroupLayout>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private commandsInBatch = 0;
  private deferred: DeferredCommand[] = [];
  private draining: Promise<void> | null = null;
  /** Set by `beginCompileOnly` (warm-up): programs get their pipelines but nothing is dispatched. */
  private compileOnly: { keys: Set<string>; cached: number; ready: Promise<GPUComputePipeline | null>[] } | null = null;
  /** The first asynchronous device error (shader compile, validation), reported by the next read. */
  private error: string | null = null;
  private lost: string | null = null;
  private disposed = false;
  // Dawn (Node) keeps its instance, and the process, alive while the GPU object is referenced: held until dispose.
  private gpu: GPU | null;

  /** Whether the adapter offers 'shader-f16' (f16 arithmetic in WGSL). */
  readonly hasShaderF16: boolean;
  private float16Noted = false;

  constructor({ device, gpu, adapter }: AcquiredDevice) {
    this.hasShaderF16 = adapter.features.has('shader-f16');
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
    if (dtype === 'float16') this.noteFloat16();
    const data = this.alloc(values.length, dtype);
    if (values.length > 0) {
      // Bool is one byte per element on the CPU but a u32 on the GPU (WGSL has no 8-bit storage type); writes
      // are whole words, so an odd number of halves gets a zero pad.
      let src = dtype === 'bool' ? Uint32Array.from(values as Uint8Array) : values;
      if (dtype === 'float16' && values.length % 2 === 1) (src = new Uint16Array(values.length + 1)).set(values);
      this.device.queue.writeBuffer(data.buffer, 0, src as ArrayBufferView<ArrayBuffer>);
    }
    return data;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    this.assertUsable('data');
    if (this.compileOnly) throw new Error('data: tensors cannot be read inside warmup(): its kernels are compiled, not run');
    const { buffer, dtype, size } = dataId as GpuData;
    if (!buffer) throw new Error('data: the tensor\'s webgpu storage has been released');
    const bytes = storageBytes(size, dtype);
    if (bytes === 0) return makeArray(dtype, 0);
    const staging = this.pool.acquire(bytes, MAP_READ | COPY_DST);
    this.copyBuffer(buffer, staging, bytes);
    // The copy may wait for pipelines still compiling: map only once it has been submitted.
    await this.submit();
    await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    const raw = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.pool.release(staging, false);
    this.assertUsable('data');
    if (dtype === 'float32') return new Float32Array(raw);
    if (dtype === 'float16') return new Uint16Array(raw, 0, size);
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
    // Until the commands that may read it are submitted, the buffer must not be handed to a queue.writeBuffer.
    this.pool.release(d.buffer, this.encoder !== null || this.deferred.length > 0);
    d.buffer = undefined as never;
  }

  byteSize(dataId: DataId): number {
    return (dataId as GpuData).buffer.size;
  }

  /**
   * Says once, on the first float16 tensor, what float16 means on an adapter without 'shader-f16': halves in
   * storage, float32 arithmetic. (With the feature the kernels still compute in f32 registers; see half.ts.)
   */
  noteFloat16(): void {
    if (this.float16Noted || this.hasShaderF16) return;
    this.float16Noted = true;
    console.warn(
      "@nn/tensor: this WebGPU adapter has no 'shader-f16' feature, so float16 falls back to float32 arithmetic: " +
        'float16 tensors are stored as halves (2 bytes an element) and every kernel widens them to f32 and rounds its result back to float16',
    );
  }

  /** Fresh (uninitialised) storage for `size` elements of `dtype`. */
  alloc(size: number, dtype: DType): GpuData {
    const bytes = Math.max(storageBytes(size, dtype), 4);
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
    const entry = this.pipelineFor(program, inputDtypes, outDtype);
    if (this.compileOnly) return;
    const words = Math.max(4, Math.ceil(program.uniforms.length / 4) * 4);
    const uniform = this.pool.acquire(words * 4, UNIFORM | COPY_DST);
    const words32 = new Uint32Array(words);
    words32.set(program.uniforms);
    this.device.queue.writeBuffer(uniform, 0, words32);
    const entries: GPUBindGroupEntry[] = inputs.map((buffer, i) => ({ binding: i, resource: { buffer } }));
    entries.push({ binding: inputs.length, resource: { buffer: out } });
    entries.push({ binding: inputs.length + 1, resource: { buffer: uniform } });
    const bindGroup = this.device.createBindGroup({ layout: this.bindLayout(inputs.length), entries });
    this.record(entry, (pipeline) => {
      const pass = this.computePass();
      pass.setPipeline(pipeline!);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...program.dispatch);
    });
    this.pool.release(uniform, true);
    this.stats.dispatches++;
  }

  /** Records a buffer-to-buffer copy of `bytes` bytes. */
  copyBuffer(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    if (bytes === 0 || this.compileOnly) return;
    this.record(null, () => {
      this.endPass();
      this.commandEncoder().copyBufferToBuffer(src, 0, dst, 0, bytes);
    });
  }

  /** Encodes a command now, or defers it while its pipeline (or an earlier command's) is still compiling. */
  private record(entry: PipelineEntry | null, encode: DeferredCommand['encode']): void {
    if (this.deferred.length > 0 || (entry !== null && entry.pipeline === null)) {
      this.deferred.push({ entry, encode });
      return;
    }
    encode(entry?.pipeline ?? null);
    if (++this.commandsInBatch >= this.maxDispatchesPerSubmit) void this.submit();
  }

  /**
   * Submits everything recorded so far, first waiting for the pipelines of deferred commands. Resolves once the
   * device has validated the submission; a validation error is kept and reported by the next read.
   */
  submit(): Promise<void> {
    if (this.deferred.length > 0) return (this.draining ??= this.drain());
    return this.submitNow();
  }

  /**
   * Encodes the deferred commands in order as their pipelines become ready, then submits. Everything from the last
   * wait to the submit runs synchronously, so no buffer released meanwhile is reused before the commands reading
   * it are submitted. A command whose shader failed to compile is dropped (its error is already recorded).
   */
  private async drain(): Promise<void> {
    try {
      while (this.deferred.length > 0) {
        const head = this.deferred[0]!;
        if (head.entry !== null && head.entry.pipeline === null) {
          const failed = (await head.entry.ready) === null;
          if (failed) this.deferred.shift();
          continue;
        }
        this.deferred.shift();
        head.encode(head.entry?.pipeline ?? null);
      }
    } finally {
      this.draining = null;
    }
    return this.submitNow();
  }

  private submitNow(): Promise<void> {
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

  // ---- pipelines ----

  /**
   * The cached pipeline of `program` with these binding types, compiling it on first use. While compiling only
   * (warm-up) the key and its readiness are collected instead of dispatching.
   */
  private pipelineFor(program: Program, inputs: readonly DType[], output: DType): PipelineEntry {
    const vec4s = Math.max(1, Math.ceil(program.uniforms.length / 4));
    const key = `${program.shaderKey}|${inputs.map(wgslType).join(',')}>${wgslType(output)}|u${vec4s}|wg${program.workgroupSize.join('x')}`;
    let entry = this.pipelines.get(key);
    const warm = this.compileOnly;
    if (warm && !warm.keys.has(key)) {
      warm.keys.add(key);
      if (entry) warm.cached++;
    }
    if (entry) {
      this.stats.pipelineCacheHits++;
    } else {
      entry = this.compile(key, `${programHeader(inputs, output, vec4s)}\n${program.getUserCode()}`, inputs.length);
      this.pipelines.set(key, entry);
      this.stats.pipelinesCompiled++;
    }
    if (warm) warm.ready.push(entry.ready);
    return entry;
  }

  private compile(key: string, code: string, numInputs: number): PipelineEntry {
    const fail = (message: string): null => {
      // Forget the invalid pipeline so a later use recompiles and reports the real error again.
      if (this.pipelines.get(key) === entry) this.pipelines.delete(key);
      this.recordError(`shader '${key}' failed to compile: ${message}\n${code}`);
      return null;
    };
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: key });
    const descriptor: GPUComputePipelineDescriptor = { label: key, layout: this.pipelineLayout(numInputs), compute: { module, entryPoint: 'main' } };
    let entry: PipelineEntry;
    if (this.asyncPipelines) {
      entry = { pipeline: null, ready: null! };
      entry.ready = this.device.createComputePipelineAsync(descriptor).then(
        (pipeline) => (entry.pipeline = pipeline),
        (e: Error) => fail(e.message),
      );
    } else {
      const pipeline = this.device.createComputePipeline(descriptor);
      entry = { pipeline, ready: Promise.resolve(pipeline) };
    }
    void this.device.popErrorScope().then((e) => e && fail(e.message));
    return entry;
  }

  /**
   * Warm-up (see `warmup` in `warmup.ts`): from now until `endCompileOnly`, kernels create the pipelines of the
   * programs they would run, asynchronously, and dispatch nothing; copies are skipped and reads rejected. Storage
   * is still allocated (and host data written into fresh buffers), so kernels behave as usual otherwise.
   */
  beginCompileOnly(): void {
    if (this.compileOnly) throw new Error('warmup: already warming up (warmup calls cannot be nested or overlap)');
    this.compileOnly = { keys: new Set(), cached: 0, ready: [] };
  }

  /**
   * Leaves compile-only mode at once and resolves when every pipeline it asked for is compiled; rejects with the
   * first shader compile error.
   */
  async endCompileOnly(): Promise<CompileOnlyResult> {
    const warm = this.compileOnly;
    if (!warm) throw new Error('warmup: endCompileOnly without beginCompileOnly');
    this.compileOnly = null;
    await Promise.all(warm.ready);
    this.assertUsable('warmup');
    return { pipelines: warm.keys.size - warm.cached, cached: warm.cached };
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
