/**
 * PyTorch's storage types (the globals a checkpoint names, `torch.FloatStorage`, ...) and how their elements
 * load into @nn's three dtypes: floats of any width as float32, integers as int32 (with a range check: a value
 * int32 cannot hold is an error, never a wrap-around), bool as bool. Storage bytes are little-endian.
 */
import { fromHalfBits, type DType, type TypedArray } from '@nn/tensor';
import { encodeElements, LITTLE_ENDIAN } from '../safetensors/dtypes.js';

export interface StorageType {
  /** The torch dtype, as error messages and docs name it. */
  torchDtype: string;
  itemSize: number;
  /** The @nn dtype its tensors load as. */
  dtype: DType;
}

/** By the name of the global (`torch.<name>`), as `torch.save` writes them. */
export const STORAGE_TYPES: Readonly<Record<string, StorageType>> = {
  FloatStorage: { torchDtype: 'float32', itemSize: 4, dtype: 'float32' },
  DoubleStorage: { torchDtype: 'float64', itemSize: 8, dtype: 'float32' },
  HalfStorage: { torchDtype: 'float16', itemSize: 2, dtype: 'float32' },
  BFloat16Storage: { torchDtype: 'bfloat16', itemSize: 2, dtype: 'float32' },
  LongStorage: { torchDtype: 'int64', itemSize: 8, dtype: 'int32' },
  IntStorage: { torchDtype: 'int32', itemSize: 4, dtype: 'int32' },
  ShortStorage: { torchDtype: 'int16', itemSize: 2, dtype: 'int32' },
  CharStorage: { torchDtype: 'int8', itemSize: 1, dtype: 'int32' },
  ByteStorage: { torchDtype: 'uint8', itemSize: 1, dtype: 'int32' },
  BoolStorage: { torchDtype: 'bool', itemSize: 1, dtype: 'bool' },
};

/** Storage types PyTorch has and @nn cannot hold, with the dtype to name in the error. */
export const UNSUPPORTED_STORAGE_TYPES: Readonly<Record<string, string>> = {
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
};

/** What each @nn dtype is written as. */
export const WRITE_STORAGE_TYPE: Readonly<Record<DType, string>> = {
  float32: 'FloatStorage', float16: 'HalfStorage', int32: 'IntStorage', bool: 'BoolStorage',
};

/**
 * All `numel` elements of a storage (its bytes are `bytes`) as a fresh array of the @nn dtype. `where` names
 * the storage in errors: `loadPt: storage 'data/0' (int64) holds 1099511627776 at index 1, outside the int32
 * range that @nn stores integers in`.
 */
export function decodeStorage(op: string, where: string, type: StorageType, bytes: Uint8Array, numel: number): TypedArray {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const outOfRange = (i: number, v: bigint | number): Error =>
    new Error(`${op}: storage '${where}' (${type.torchDtype}) holds ${v} at index ${i}, outside the int32 range that @nn stores integers in`);
  switch (type.torchDtype) {
    case 'float32': {
      // A copy (aligned, and one memcpy); not bytes.slice(): a Node Buffer's slice shares memory.
      if (LITTLE_ENDIAN) return new Float32Array(new Uint8Array(bytes.subarray(0, 4 * numel)).buffer);
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = dv.getFloat32(4 * i, true);
      return out;
    }
    case 'float64': {
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = dv.getFloat64(8 * i, true);
      return out;
    }
    case 'float16': {
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = fromHalfBits(dv.getUint16(2 * i, true));
      return out;
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(numel);
      for (let i = 0; i < numel; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'int64': {
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) {
        const lo = dv.getUint32(8 * i, true);
        const hi = dv.getUint32(8 * i + 4, true);
        if (!(hi === 0 ? lo <= 0x7fffffff : hi === 0xffffffff && lo >= 0x80000000)) throw outOfRange(i, dv.getBigInt64(8 * i, true));
        out[i] = lo | 0;
      }
      return out;
    }
    case 'int32': {
      if (LITTLE_ENDIAN) return new Int32Array(new Uint8Array(bytes.subarray(0, 4 * numel)).buffer);
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = dv.getInt32(4 * i, true);
      return out;
    }
    case 'int16': {
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = dv.getInt16(2 * i, true);
      return out;
    }
    case 'int8':
      return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, numel));
    case 'uint8':
      return Int32Array.from(bytes.subarray(0, numel));
    case 'bool':
      return Uint8Array.from(bytes.subarray(0, numel), (b) => (b ? 1 : 0));
    default:
      throw new Error(`${op}: no decoder for ${type.torchDtype}`);
  }
}

/** The little-endian bytes of an @nn tensor's values (float32, int32 or bool): a view of them where possible. */
export const encodeStorage = encodeElements;
