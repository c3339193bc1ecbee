/** Numeric CSV tables as tensors: a feature matrix and, optionally, a label column split off. */
import { fromValues, type Device, type Tensor } from '@nn/tensor';
import { csvRecords, type CsvRecord } from './csv-records.js';
import { readFileBytes } from './node-fs.js';
import { checkBoolean, checkOptions, describe } from './validate.js';

export interface CsvOptions {
  /** The first record names the columns (default true); without a header, columns are named '0', '1', .... */
  header?: boolean;
  /** One character, not a quote or line break (default ','). */
  delimiter?: string;
  /** Feature columns to keep, in this order, by name or 0-based index. Default: every column except the label. */
  columns?: readonly (string | number)[];
  /**
   * A column (name or 0-based index) returned separately as `labels` (`[rows]`). Numeric labels keep their
   * values (`labelDtype`, default int32); if any value is not a number, the labels are class names, encoded as
   * indices into `classes` (the sorted distinct names).
   */
  label?: string | number;
  /** dtype of `data` (default float32); int32 requires integer values. */
  dtype?: 'float32' | 'int32';
  /** dtype of numeric labels (default int32, as class indices are). */
  labelDtype?: 'float32' | 'int32';
  device?: Device;
}

export interface CsvTable {
  /** Names of the columns of `data`, in order. */
  columns: string[];
  /** The feature values, `[rows, columns.length]`. */
  data: Tensor;
  /** The label column, `[rows]`, when `label` was given. */
  labels?: Tensor;
  labelColumn?: string;
  /** For non-numeric labels: the class names; `labels` holds indices into this list. */
  classes?: string[];
}

const OPTIONS = ['header', 'delimiter', 'columns', 'label', 'dtype', 'labelDtype', 'device'];
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** The number a field holds (decimal, exponent, nan, inf), or undefined when it is not one. */
function toNumber(field: string): number | undefined {
  const s = field.trim();
  if (DECIMAL.test(s)) return Number(s);
  const m = SPECIAL.exec(s);
  if (!m) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/**
 * Parses CSV text of numbers into tensors. Quoted fields (with `""` escapes and embedded line breaks), CRLF
 * line ends and a byte order mark are handled; blank lines are skipped. Errors name the line and column:
 * `parseCsv: line 4, column 2 ("width"): "abc" is not a number`, `parseCsv: line 7 has 3 fields, expected 4`.
 */
export function parseCsv(text: string, opts?: CsvOptions): CsvTable {
  return csvTable('parseCsv', text, opts);
}

/** Node.js: reads a UTF-8 CSV file and parses it as `parseCsv` does; errors name the file. */
export async function readCsvFile(path: string, opts?: CsvOptions): Promise<CsvTable> {
  const bytes = await readFileBytes('readCsvFile', path);
  return csvTable(`readCsvFile: ${path}`, new TextDecoder('utf-8').decode(bytes), opts);
}

function csvTable(op: string, text: string, opts: CsvOptions | undefined): CsvTable {
  if (typeof text !== 'string') throw new Error(`${op}: text must be a string, got ${describe(text)}`);
  const o = checkOptions(op, opts, OPTIONS);
  const header = checkBoolean(op, 'header', o.header ?? true);
  const delimiter = o.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter))
    throw new Error(`${op}: delimiter must be one character other than a quote or line break, got ${describe(delimiter)}`);
  for (const key of ['dtype', 'labelDtype'] as const)
    if (o[key] !== undefined && o[key] !== 'float32' && o[key] !== 'int32')
      throw new Error(`${op}: ${key} must be 'float32' or 'int32', got ${describe(o[key])}`);

  const records = csvRecords(op, text, delimiter);
  if (header && records.length === 0) throw new Error(`${op}: no header line (the text has no records)`);
  const width = records[0]?.fields.length ?? 0;
  const names = header ? records[0]!.fields.map((f) => f.trim()) : Array.from({ length: width }, (_, k) => String(k));
  const rows = header ? records.slice(1) : records;
  const shapeSource = header ? `the header on line ${records[0]!.line}` : `line ${records[0]?.line}`;
  for (const r of rows)
    if (r.fields.length !== width)
      throw new Error(`${op}: line ${r.line} has ${r.fields.length} fields, expected ${width} (as ${shapeSource})`);

  const resolve = (arg: string, c: unknown): number => {
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || c < 0 || c >= width)
        throw new Error(`${op}: ${arg} index ${c} is out of range for ${width} columns`);
      return c;
    }
    if (typeof c !== 'string') throw new Error(`${op}: ${arg} must be a column name or index, got ${describe(c)}`);
    const at = names.flatMap((n, k) => (n === c ? [k] : []));
    if (at.length === 0) throw new Error(`${op}: ${arg} ${JSON.stringify(c)} is not a column (columns: ${names.join(', ')})`);
    if (at.length > 1) throw new Error(`${op}: ${arg} ${JSON.stringify(c)} names columns ${at.join(' and ')}; select it by index`);
    return at[0]!;
  };
  const labelAt = o.label === undefined ? undefined : resolve('label', o.label);
  let featureAt: number[];
  if (o.columns !== undefined) {
    if (!Array.isArray(o.columns)) throw new Error(`${op}: columns must be an array of column names or indices, got ${describe(o.columns)}`);
    featureAt = o.columns.map((c, k) => resolve(`columns[${k}]`, c));
  } else featureAt = names.map((_, k) => k).filter((k) => k !== labelAt);

  const dtype = o.dtype ?? 'float32';
  const data = dtype === 'float32' ? new Float32Array(rows.length * featureAt.length) : new Int32Array(rows.length * featureAt.length);
  rows.forEach((r, i) => {
    featureAt.forEach((c, j) => {
      data[i * featureAt.length + j] = numberAt(op, r, c, names, dtype);
    });
  });
  // The labels first: an invalid label column then throws before any tensor exists (nothing leaks).
  const labels = labelAt === undefined ? undefined : labelColumn(op, rows, labelAt, names, o.labelDtype ?? 'int32', o.device);
  let table: CsvTable;
  try {
    table = { columns: featureAt.map((c) => names[c]!), data: fromValues('parseCsv', data, [rows.length, featureAt.length], dtype, { device: o.device }) };
  } catch (e) {
    labels?.labels?.dispose();
    throw e;
  }
  if (labels) Object.assign(table, labels);
  return table;
}

function where(r: CsvRecord, c: number, names: readonly string[]): string {
  return `line ${r.line}, column ${c + 1} (${JSON.stringify(names[c])})`;
}

function numberAt(op: string, r: CsvRecord, c: number, names: readonly string[], dtype: 'float32' | 'int32'): number {
  const field = r.fields[c]!;
  if (field.trim() === '') throw new Error(`${op}: ${where(r, c, names)}: empty field (missing value)`);
  const v = toNumber(field);
  if (v === undefined) throw new Error(`${op}: ${where(r, c, names)}: ${JSON.stringify(field)} is not a number`);
  if (dtype === 'int32' && !(Number.isInteger(v) && Math.abs(v) <= 0x7fffffff))
    throw new Error(`${op}: ${where(r, c, names)}: ${JSON.stringify(field)} is not an int32 integer (dtype int32)`);
  return v;
}

function labelColumn(
  op: string,
  rows: readonly CsvRecord[],
  c: number,
  names: readonly string[],
  dtype: 'float32' | 'int32',
  device: Device | undefined,
): Pick<CsvTable, 'labels' | 'labelColumn' | 'classes'> {
  const values = rows.map((r) => {
    const f = r.fields[c]!.trim();
    if (f === '') throw new Error(`${op}: ${where(r, c, names)}: empty label (missing value)`);
    return f;
  });
  if (values.every((v) => toNumber(v) !== undefined)) {
    const out = dtype === 'float32' ? new Float32Array(rows.length) : new Int32Array(rows.length);
    rows.forEach((r, i) => (out[i] = numberAt(op, r, c, names, dtype)));
    return { labels: fromValues('parseCsv', out, [rows.length], dtype, { device }), labelColumn: names[c]! };
  }
  const classes = [...new Set(values)].sort();
  const index = new Map(classes.map((name, k) => [name, k]));
  const out = Int32Array.from(values, (v) => index.get(v)!);
  return { labels: fromValues('parseCsv', out, [rows.length], 'int32', { device }), labelColumn: names[c]!, classes };
}
