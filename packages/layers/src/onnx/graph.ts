/**
 * An ONNX graph under construction: nodes in execution order, initializers, and unique value names; `encode`
 * writes the ModelProto with onnx-proto's protobufjs code (no hand-written protobuf).
 */
import onnxProto from 'onnx-proto';
import type { DType } from '@nn/tensor';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** Element types of the tensors a graph holds: @nn's dtypes plus int64, which ONNX wants for shapes and axes. */
export type ElemType = DType | 'int64';

const ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** The ONNX element-type number of a dtype (the `to` of a Cast). */
export function elemType(dtype: ElemType): number {
  return ELEM_TYPE[dtype];
}

/** A float attribute (a plain number is written as an INT attribute, which ONNX tells apart from a FLOAT). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export const float = (value: number): FloatAttr => new FloatAttr(value);

export type Attr = number | number[] | string | FloatAttr;

function attribute(name: string, value: Attr): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (value instanceof FloatAttr) return { name, type: T.FLOAT, f: value.value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.INT, i: value };
}

function rawBytes(dtype: ElemType, values: ArrayLike<number>): Uint8Array {
  const array =
    dtype === 'float32' ? Float32Array.from(values)
    : dtype === 'int32' ? Int32Array.from(values)
    : dtype === 'int64' ? BigInt64Array.from(Array.from(values, (v) => BigInt(v)))
    : Uint8Array.from(values, (v) => (v ? 1 : 0));
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A graph input or output: its name, element type and shape (a string is a symbolic dim, such as 'batch'). */
export interface ValueSpec {
  name: string;
  dtype: ElemType;
  shape: (number | string)[];
}

function valueInfo({ name, dtype, shape }: ValueSpec): ValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: ELEM_TYPE[dtype], shape: { dim } } } };
}

export class OnnxGraph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #names = new Set<string>();
  readonly #constants = new Map<string, string>();
  #count = 0;

  /** A value name not used yet: `hint`, or `hint_N`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.#names.has(name)) name = `${hint}_${++this.#count}`;
    this.#names.add(name);
    return name;
  }

  /** Appends a node and returns the names of its `outputs` fresh outputs. */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({
      opType: op,
      name: this.fresh(`${op}_node`),
      input: inputs,
      output: names,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  /** `node` for the common single-output case. */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.node(op, inputs, attrs)[0]!;
  }

  /** Adds an initializer named `name` (made unique) holding `values` of `shape`. */
  initializer(name: string, dtype: ElemType, shape: readonly number[], values: ArrayLike<number>): string {
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dataType: ELEM_TYPE[dtype], dims: shape.slice(), rawData: rawBytes(dtype, values) });
    return unique;
  }

  /** A small constant (shapes, axes, scalars), shared by every use of the same values. */
  constant(dtype: ElemType, values: readonly number[], shape: readonly number[] = [values.length]): string {
    const key = `${dtype}:${shape.join(',')}:${values.join(',')}`;
    let name = this.#constants.get(key);
    if (name === undefined) this.#constants.set(key, (name = this.initializer(dtype === 'int64' ? 'shape' : 'const', dtype, shape, values)));
    return name;
  }

  /** An int64 vector (shape, axes, pads, ...). */
  int64(values: readonly number[]): string {
    return this.constant('int64', values);
  }

  /** A scalar of `dtype`. */
  scalar(value: number, dtype: ElemType = 'float32'): string {
    return this.constant(dtype, [value], []);
  }

  /** Renames the value `from` to `to` wherever a node produces or reads it (graph outputs get their names so). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.output = n.output!.map((v) => (v === from ? to : v));
      n.input = n.input!.map((v) => (v === from ? to : v));
    }
  }

  /** Whether a node (rather than an input or initializer) produces `name`. */
  isNodeOutput(name: string): boolean {
    return this.nodes.some((n) => n.output!.includes(name));
  }

  encode(inputs: ValueSpec[], outputs: ValueSpec[], opset: number, graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      // IR 8 carries opsets up to 18, IR 9 up to 20, IR 10 21 (the versions ONNX pairs them with).
      irVersion: opset <= 18 ? 8 : opset <= 20 ? 9 : 10,
      producerName: '@nn/layers',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(valueInfo),
        output: outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
