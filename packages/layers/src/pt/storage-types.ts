/**
 * PyTorch's storage types (the globals a checkpoint names, `torch.FloatStorage`, ...) and how their elements
 * load into @nn's three dtypes: floats of any width as float32, integers as int32 (with a range check: a value
 * int32 cannot hold is an error, never a wrap-around), bool as bool. Storage bytes are little-endian.
 */
import type { DType, TypedArray } from '@nn/tensor';
import { decodeLittleEndian, encodeElements, type SafetensorsDType } from '../safetensors/dtypes.js';

export interface StorageType {
  /** The torch dtype, as error messages and docs name it. */
  torchDtype: string;
  itemSize: number;
  /** The same element type in safetensors' names, which the shared decoder takes. */
  elements: SafetensorsDType;
  /** The @nn dtype its tensors load as. */
  dtype: DType;
}

/** By the name of the global (`torch.<name>`), as `torch.save` writes them. */
export const STORAGE_TYPES: Readonly<Record<string, StorageType>> = {
  FloatStorage: { torchDtype: 'float32', itemSize: 4, elements: 'F32', dtype: 'float32' },
  DoubleStorage: { torchDtype: 'float64', itemSize: 8, elements: 'F64', dtype: 'float32' },
  HalfStorage: { torchDtype: 'float16', itemSize: 2, elements: 'F16', dtype: 'float32' },
  BFloat16Storage: { torchDtype: 'bfloat16', itemSize: 2, elements: 'BF16', dtype: 'float32' },
  LongStorage: { torchDtype: 'int64', itemSize: 8, elements: 'I64', dtype: 'int32' },
  IntStorage: { torchDtype: 'int32', itemSize: 4, elements: 'I32', dtype: 'int32' },
  ShortStorage: { torchDtype: 'int16', itemSize: 2, elements: 'I16', dtype: 'int32' },
  CharStorage: { torchDtype: 'int8', itemSize: 1, elements: 'I8', dtype: 'int32' },
  ByteStorage: { torchDtype: 'uint8', itemSize: 1, elements: 'U8', dtype: 'int32' },
  BoolStorage: { torchDtype: 'bool', itemSize: 1, elements: 'BOOL', dtype: 'bool' },
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
  return decodeLittleEndian(type.elements, bytes.subarray(0, type.itemSize * numel), numel, (i, v) =>
    new Error(`${op}: storage '${where}' (${type.torchDtype}) holds ${v} at index ${i}, outside the int32 range that @nn stores integers in`),
  ).values;
}

/** The little-endian bytes of an @nn tensor's values (float32, int32 or bool): a view of them where possible. */
export const encodeStorage = encodeElements;
