/**
 * exportOnnx: runs the model once in eval mode on example inputs and records what it computes, as
 * torch.onnx.export's tracer does. The engine's kernel listener sees every kernel; each becomes ONNX ops (see
 * kernel-ops.ts), except inside the layers that map to a single ONNX op (module-ops.ts), whose kernels are not
 * recorded. Parameters and buffers become initializers named by their state-dict keys; any other tensor the
 * graph reads (a constant made inside forward, a mask) becomes an initializer holding its traced value.
 * Kernels whose inputs are all such constants are folded: their output is a constant too.
 */
import type { AnyModule } from '../module.js';
import { engine, Tensor, tidy } from '@nn/tensor';
import { OnnxGraph, type ValueSpec } from './graph.js';
import { KERNEL_EMITTERS, type EmitContext } from './kernel-ops.js';
import { moduleEmitter } from './module-ops.js';

export interface ExportOnnxOptions {
  /** ONNX opset version, 13 to 21 (default 17, the first with LayerNormalization). */
  opset?: number;
  /**
   * Make dim 0 of every input and output a symbolic 'batch' dim, so the model runs on any batch size. The trace
   * keeps the batch where reshapes and broadcasts leave it in front (MLPs, CNNs, batch-first attention); a
   * model that folds the batch into another dim (or builds tensors of the batch's size) stays tied to the
   * traced size.
   */
  dynamicBatch?: boolean;
  /** Names of the graph inputs (default 'input', or 'input_0', 'input_1', ... for several). */
  inputNames?: string[];
  /** Names of the graph outputs (default 'output', or 'output_0', ... for several). */
  outputNames?: string[];
}

const OP = 'exportOnnx';

function checkOptions(opts: ExportOnnxOptions): { opset: number; dynamicBatch: boolean } {
  const known = new Set(['opset', 'dynamicBatch', 'inputNames', 'outputNames']);
  for (const k of Object.keys(opts)) if (!known.has(k)) throw new Error(`${OP}: unknown option '${k}' (known: ${[...known].join(', ')})`);
  const opset = opts.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21) throw new Error(`${OP}: opset must be an integer from 13 to 21, got ${String(opset)}`);
  return { opset, dynamicBatch: opts.dynamicBatch ?? false };
}

/** The tensors of a forward result (a tensor, or arrays of them as LSTM's [output, [h, c]]), in order; null skipped. */
function outputTensors(out: unknown, where = 'output'): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (out === null) return [];
  if (Array.isArray(out)) return out.flatMap((o, i) => outputTensors(o, `${where}[${i}]`));
  throw new Error(`${OP}: the model's forward returned ${typeof out} at ${where}; expected tensors (or arrays of them)`);
}

function defaultNames(kind: string, n: number, given: string[] | undefined): string[] {
  if (given) {
    if (given.length !== n) throw new Error(`${OP}: ${kind}Names has ${given.length} names for ${n} ${kind}s`);
    return given;
  }
  return n === 1 ? [kind] : Array.from({ length: n }, (_, i) => `${kind}_${i}`);
}

/**
 * Exports `model` as an ONNX model (the bytes of a .onnx file) that computes what `model.forward(...exampleInputs)`
 * computes in eval mode. `exampleInputs`: the forward arguments; tensors among them become graph inputs, other
 * values (an options object) are passed as they are and fixed in the graph. The model is traced on CPU and put
 * back in its modes afterwards. The graph is fixed to the traced shapes (see `dynamicBatch`) and to
 * the traced control flow, as torch.onnx's tracer is: an LSTM is exported unrolled over the traced sequence length.
 *
 * ```ts
 * const bytes = exportOnnx(model, [tensor([[1, 2, 3, 4]])]);
 * const session = await InferenceSession.create(bytes); // onnxruntime-node or onnxruntime-web
 * ```
 */
export function exportOnnx(model: AnyModule, exampleInputs: Tensor | readonly unknown[], opts: ExportOnnxOptions = {}): Uint8Array {
  const { opset, dynamicBatch } = checkOptions(opts);
  const args = exampleInputs instanceof Tensor ? [exampleInputs] : [...exampleInputs];
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  if (inputs.length === 0) throw new Error(`${OP}: exampleInputs holds no tensor; pass the forward's arguments, e.g. [x]`);
  for (const t of inputs) if (t.device !== 'cpu') throw new Error(`${OP}: example inputs must be on cpu, got a tensor on ${t.device}; move the model and inputs with .to('cpu')`);
  const batch = dynamicBatch ? inputs[0]!.shape[0] ?? null : null;
  if (dynamicBatch && inputs.some((t) => t.rank === 0 || t.shape[0] !== batch))
    throw new Error(`${OP}: dynamicBatch needs dim 0 of every input to be the batch; got shapes ${inputs.map((t) => JSON.stringify(t.shape)).join(', ')}`);

  const g = new OnnxGraph();
  const ctx: EmitContext = { g, opset, batch };
  const inputNames = defaultNames('input', inputs.length, opts.inputNames);
  const names = new Map<Tensor, string>();
  // The same tensor passed twice (self-attention's query, key, value) is read from its first input.
  inputs.forEach((t, i) => {
    const name = g.fresh(inputNames[i]!);
    if (!names.has(t)) names.set(t, name);
  });

  // Parameters and buffers by identity, and by storage for a detached view (BatchNorm's running stats are read
  // so); TransformerEncoder's layer copies share storage until trained, so the first key of a storage wins.
  const stateKeys = new Map<Tensor, string>();
  const stateByData = new Map<unknown, Tensor>();
  for (const [key, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
    if (t.device !== 'cpu') throw new Error(`${OP}: parameter '${key}' is on ${t.device}; move the model to cpu with model.to('cpu')`);
    stateKeys.set(t, key);
    if (!stateByData.has(t.dataId)) stateByData.set(t.dataId, t);
  }
  const stateOf = (t: Tensor): Tensor | undefined => {
    if (stateKeys.has(t)) return t;
    const s = stateByData.get(t.dataId);
    return s && s.shape.length === t.shape.length && s.shape.every((d, i) => d === t.shape[i]) ? s : undefined;
  };

  /** The value name of `t`: traced, or an initializer made now (a state-dict entry by its key, else a constant). */
  const valueOf = (t: Tensor): string => {
    let name = names.get(t);
    if (name !== undefined) return name;
    const state = stateOf(t);
    if (state && state !== t) name = valueOf(state);
    else name = g.initializer(state ? stateKeys.get(state)! : 'const', t.dtype, t.shape, t.dataSync() as ArrayLike<number>);
    names.set(t, name);
    return name;
  };
  const isTraced = (t: Tensor) => names.has(t) || stateOf(t) !== undefined;

  // Which module runs now, for errors; and how many single-op modules enclose the current kernel.
  const modulePath: string[] = [];
  let inModuleOp = 0;

  const stopListening = engine.addKernelListener((kernel, kernelInputs, attrs, out) => {
    if (inModuleOp > 0 || !kernelInputs.some(isTraced)) return;
    const emit = KERNEL_EMITTERS[kernel];
    if (!emit) {
      const where = modulePath.length ? `module ${modulePath[modulePath.length - 1]}` : 'the model';
      throw new Error(`${OP}: kernel '${kernel}' (run by ${where}) has no ONNX mapping`);
    }
    names.set(out, emit(ctx, { inputs: kernelInputs.map(valueOf), tensors: kernelInputs, attrs, out }));
  });

  const wrapped: AnyModule[] = [];
  // Each module's own mode, restored afterwards (a model may hold some modules in eval mode on purpose).
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  try {
    for (const [path, m] of model.namedModules()) {
      const forward = m.forward;
      const label = `${path ? `'${path}'` : 'the model'} (${m.constructor.name})`;
      const traced = (...a: unknown[]): unknown => {
        modulePath.push(label);
        try {
          const single = inModuleOp === 0 && a[0] instanceof Tensor && isTraced(a[0]) ? moduleEmitter(m, a, ctx) : undefined;
          if (!single) return forward.apply(m, a);
          const x = valueOf(a[0] as Tensor);
          inModuleOp++;
          let out: unknown;
          try {
            out = forward.apply(m, a);
          } finally {
            inModuleOp--;
          }
          names.set(out as Tensor, single(ctx, x, a[0] as Tensor, valueOf));
          return out;
        } finally {
          modulePath.pop();
        }
      };
      Object.defineProperty(m, 'forward', { value: traced, configurable: true, writable: true });
      wrapped.push(m);
    }
    model.eval();
    return tidy(() => {
      const outputs = outputTensors(model.forward(...(args as [Tensor])));
      if (outputs.length === 0) throw new Error(`${OP}: the model's forward returned no tensor`);
      return encodeGraph(g, inputs, inputNames, outputs, defaultNames('output', outputs.length, opts.outputNames), valueOf, { opset, batch });
    });
  } finally {
    stopListening();
    for (const m of wrapped) delete (m as { forward?: unknown }).forward;
    for (const [m, training] of modes) m.training = training;
  }
}

function encodeGraph(
  g: OnnxGraph, inputs: Tensor[], inputNames: string[], outputs: Tensor[], outputNames: string[], valueOf: (t: Tensor) => string,
  { opset, batch }: { opset: number; batch: number | null },
): Uint8Array {
  const spec = (t: Tensor, name: string): ValueSpec => ({
    name, dtype: t.dtype, shape: t.shape.map((d, i) => (i === 0 && batch !== null && d === batch ? 'batch' : d)),
  });
  const renamed = new Map<string, string>();
  const outSpecs = outputs.map((t, i) => {
    const traced = valueOf(t);
    const name = outputNames[i]!;
    // A node's output takes the graph output's name; an input, initializer or repeated output goes through Identity.
    if (g.isNodeOutput(traced) && !renamed.has(traced)) {
      g.rename(traced, name);
      renamed.set(traced, name);
    } else {
      g.nodes.push({ opType: 'Identity', name: `Identity_${name}`, input: [renamed.get(traced) ?? traced], output: [name], attribute: [] });
    }
    return spec(t, name);
  });
  return g.encode(inputs.map((t, i) => spec(t, inputNames[i]!)), outSpecs, opset, 'nn_model');
}
