/** Test helpers: run exported bytes with onnxruntime-node, compare with @nn's forward, read the graph back. */
import type { AnyModule } from '../index.js';
import { encodeHalf, Tensor, tidy } from '@nn/tensor';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { exportOnnx, type ExportOnnxOptions } from './export.js';

const ORT_TYPE = { float32: 'float32', float16: 'float16', int32: 'int32', bool: 'bool' } as const;

export function ortTensor(t: Tensor): ort.Tensor {
  const data = t.dtype === 'bool' ? Uint8Array.from(t.dataSync() as ArrayLike<number>) : t.dtype === 'float16' ? encodeHalf(t.dataSync()) : t.dataSync();
  return new ort.Tensor(ORT_TYPE[t.dtype], data as Float32Array, t.shape);
}

/** Runs `bytes` on `inputs` (named input / input_0, ...) and returns the outputs in graph order. */
export async function runOnnx(bytes: Uint8Array, inputs: Tensor[]): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, ortTensor(inputs[i]!)]));
  const result = await session.run(feeds);
  const outputs = session.outputNames.map((n) => result[n]!);
  await session.release();
  return outputs;
}

/** The tensors of a forward result, as exportOnnx flattens them. */
function flatten(out: unknown): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(flatten);
  return [];
}

/**
 * Exports `model`, runs it with onnxruntime on `inputs` (default: the example inputs), and checks every output
 * against @nn's eval-mode forward within atol relative to the outputs' scale. Returns the bytes and the largest
 * difference seen.
 */
export async function expectSameAsOnnx(
  model: AnyModule, example: unknown[], opts: ExportOnnxOptions & { runInputs?: Tensor[]; atol?: number } = {},
): Promise<{ bytes: Uint8Array; maxDiff: number }> {
  const { runInputs, atol = 1e-5, ...exportOpts } = opts;
  const bytes = exportOnnx(model, example, exportOpts);
  const inputs = runInputs ?? example.filter((a): a is Tensor => a instanceof Tensor);
  const args = runInputs ? example.map((a) => (a instanceof Tensor ? runInputs[example.filter((e) => e instanceof Tensor).indexOf(a)] : a)) : example;
  const training = model.training;
  model.eval();
  const expected = tidy(() => flatten(model.forward(...(args as [Tensor]))).map((t) => ({ shape: t.shape, data: Array.from(t.dataSync() as ArrayLike<number>, Number) })));
  model.train(training);
  const got = await runOnnx(bytes, inputs);
  expect(got.length).toBe(expected.length);
  let maxDiff = 0;
  got.forEach((o, i) => {
    const e = expected[i]!;
    expect(Array.from(o.dims)).toEqual(e.shape);
    const data = Array.from(o.data as ArrayLike<number | bigint | boolean>, Number);
    const scale = Math.max(1, ...e.data.map(Math.abs));
    data.forEach((v, j) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - e.data[j]!) / scale);
    });
  });
  expect(maxDiff).toBeLessThanOrEqual(atol);
  return { bytes, maxDiff };
}

/** The decoded graph: op types in order and initializer names. */
export function graphOf(bytes: Uint8Array): { ops: string[]; initializers: string[]; inputs: string[]; outputs: string[]; opset: number } {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  return {
    ops: graph.node!.map((n) => n.opType!),
    initializers: graph.initializer!.map((t) => t.name!),
    inputs: graph.input!.map((v) => v.name!),
    outputs: graph.output!.map((v) => v.name!),
    opset: Number(model.opsetImport[0]!.version),
  };
}
