/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * `0x00 0x00 <type code> <ndim>`, then `ndim` big-endian uint32 dims, then the elements, big-endian, row-major.
 * Type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 */
import { fromValues, type Device, type Tensor } from '@nn/tensor';
import { gunzip, isGzip } from './gzip.js';
import { readFileBytes } from './node-fs.js';
import { checkOptions, describe } from './validate.js';

export interface IdxOptions {
  /**
   * The tensor's dtype: int32 or float32. Default: int32 for integer data, float32 for float data or when
   * `scale` is given. Float data cannot be read as int32.
   */
  dtype?: 'float32' | 'int32';
  /** Multiplies every value (float32 output only), e.g. `1 / 255` to map uint8 pixels to [0, 1]. */
  scale?: number;
  device?: Device;
}

interface IdxType {
  name: string;
  bytes: number;
  float: boolean;
  read: (view: DataView, offset: number) => number;
}

const TYPES: Record<number, IdxType> = {
  0x08: { name: 'uint8', bytes: 1, float: false, read: (v, o) => v.getUint8(o) },
  0x09: { name: 'int8', bytes: 1, float: false, read: (v, o) => v.getInt8(o) },
  0x0b: { name: 'int16', bytes: 2, float: false, read: (v, o) => v.getInt16(o) },
  0x0c: { name: 'int32', bytes: 4, float: false, read: (v, o) => v.getInt32(o) },
  0x0d: { name: 'float32', bytes: 4, float: true, read: (v, o) => v.getFloat32(o) },
  0x0e: { name: 'float64', bytes: 8, float: true, read: (v, o) => v.getFloat64(o) },
};

const hex = (v: number, digits: number) => `0x${v.toString(16).toUpperCase().padStart(digits, '0')}`;

/**
 * Parses raw (uncompressed) IDX bytes into a tensor of the file's shape. Synchronous; for gzip files use
 * `readIdx`. Throws, naming what is wrong, for a bad magic number, an unsupported type code, a header shorter
 * than its dims, data shorter or longer than the dims say.
 */
export function parseIdx(bytes: Uint8Array, opts?: IdxOptions): Tensor {
  if (!(bytes instanceof Uint8Array)) throw new Error(`parseIdx: bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (isGzip(bytes)) throw new Error('parseIdx: the bytes are gzip-compressed; use `await readIdx(bytes)`, which decompresses them');
  return decodeIdx('parseIdx', bytes, opts);
}

/** Parses IDX bytes, raw or gzip-compressed (detected by the gzip magic 1f 8b), into a tensor. */
export async function readIdx(bytes: Uint8Array | ArrayBuffer, opts?: IdxOptions): Promise<Tensor> {
  const b = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(b instanceof Uint8Array)) throw new Error(`readIdx: bytes must be a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  checkIdxOptions('readIdx', opts);
  return decodeIdx('readIdx', isGzip(b) ? await gunzip('readIdx', b) : b, opts);
}

/** Node.js: reads an IDX file (raw or `.gz`) into a tensor, e.g. `readIdxFile('train-images-idx3-ubyte.gz', {scale: 1/255})`. */
export async function readIdxFile(path: string, opts?: IdxOptions): Promise<Tensor> {
  const op = `readIdxFile: ${path}`;
  checkIdxOptions(op, opts);
  const b = await readFileBytes('readIdxFile', path);
  return decodeIdx(op, isGzip(b) ? await gunzip(op, b) : b, opts);
}

function checkIdxOptions(op: string, opts: IdxOptions | undefined): Partial<IdxOptions> {
  const o = checkOptions(op, opts, ['dtype', 'scale', 'device']);
  if (o.dtype !== undefined && o.dtype !== 'float32' && o.dtype !== 'int32')
    throw new Error(`${op}: dtype must be 'float32' or 'int32', got ${describe(o.dtype)}`);
  if (o.scale !== undefined) {
    if (typeof o.scale !== 'number' || !Number.isFinite(o.scale))
      throw new Error(`${op}: scale must be a finite number, got ${describe(o.scale)}`);
    if (o.dtype === 'int32') throw new Error(`${op}: scale needs dtype float32, got dtype int32`);
  }
  return o;
}

function decodeIdx(op: string, bytes: Uint8Array, opts: IdxOptions | undefined): Tensor {
  const o = checkIdxOptions(op, opts);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new Error(`${op}: truncated header: ${bytes.length} bytes, but the IDX magic number alone needs 4`);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new Error(`${op}: bad magic number ${hex(magic, 8)}: an IDX file starts with 0x0000, then a type code and the number of dims`);
  const type = TYPES[bytes[2]!];
  if (!type) {
    const expected = '0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64';
    throw new Error(`${op}: unsupported data type code ${hex(bytes[2]!, 2)} in magic number ${hex(magic, 8)} (expected ${expected})`);
  }
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    throw new Error(`${op}: truncated header: ${ndim} dims need ${headerBytes} header bytes, file has ${bytes.length}`);
  const shape = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k));
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * type.bytes;
  const have = bytes.length - headerBytes;
  if (have !== need) {
    const dims = ndim === 0 ? '1 (no dims)' : shape.join('×');
    const says =
      type.bytes === 1 ? `${dims} = ${need} bytes` : `${dims} = ${count} ${type.name} values × ${type.bytes} bytes = ${need} bytes`;
    const what = have < need ? 'truncated data' : `${have - need} bytes of trailing data`;
    throw new Error(`${op}: ${what}: header says ${says}, file has ${have} after the ${headerBytes}-byte header`);
  }
  if (o.dtype === 'int32' && type.float) throw new Error(`${op}: dtype int32 cannot hold the file's ${type.name} data; use dtype float32`);
  const dtype = o.dtype ?? (type.float || o.scale !== undefined ? 'float32' : 'int32');
  const scale = o.scale ?? 1;
  const out = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  if (type === TYPES[0x08]) {
    const data = bytes.subarray(headerBytes);
    if (scale === 1) out.set(data);
    else for (let i = 0; i < count; i++) out[i] = data[i]! * scale;
  } else {
    for (let i = 0, p = headerBytes; i < count; i++, p += type.bytes) out[i] = type.read(view, p) * scale;
  }
  return fromValues('readIdx', out, shape, dtype, { device: o.device });
}
