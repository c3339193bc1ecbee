import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispose, memory } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvFile } from './csv.js';

const IRIS = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
`;

describe('parseCsv', () => {
  it('parses a numeric table with a header into float32 [rows, cols]', () => {
    const t = parseCsv('x,y,z\r\n1,2,3\r\n-4.5,6e2, 7 \r\n');
    expect(t.columns).toEqual(['x', 'y', 'z']);
    expect([t.data.shape, t.data.dtype]).toEqual([[2, 3], 'float32']);
    expect(t.data.arraySync()).toEqual([[1, 2, 3], [-4.5, 600, 7]]);
    expect(t.labels).toBeUndefined();
    t.data.dispose();
  });

  it('splits off a label column; class names become indices into sorted classes', () => {
    const t = parseCsv(IRIS, { label: 'species' });
    expect(t.columns).toEqual(['sepal_length', 'sepal_width']);
    expect(t.data.arraySync()).toEqual([[5.1, 3.5], [7, 3.2], [6.3, 3.3], [4.9, 3]].map((r) => r.map(Math.fround)));
    expect(t.labelColumn).toBe('species');
    expect(t.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([t.labels!.dtype, t.labels!.arraySync()]).toEqual(['int32', [0, 1, 2, 0]]);
    dispose([t.data, t.labels]);
  });

  it('keeps numeric labels as int32 (or labelDtype), selects columns by name or index, and reads headerless files', () => {
    const t = parseCsv('a,label,b,c\n1,0,2,3\n4,9,5,6\n', { label: 1, columns: ['c', 0] });
    expect(t.columns).toEqual(['c', 'a']);
    expect(t.data.arraySync()).toEqual([[3, 1], [6, 4]]);
    expect([t.labels!.dtype, t.labels!.arraySync(), t.classes]).toEqual(['int32', [0, 9], undefined]);
    const u = parseCsv('1\t0.5\n2\t1.5\n', { header: false, delimiter: '\t', label: 1, labelDtype: 'float32', dtype: 'int32' });
    expect(u.columns).toEqual(['0']);
    expect([u.data.dtype, u.data.arraySync()]).toEqual(['int32', [[1], [2]]]);
    expect(u.labels!.arraySync()).toEqual([0.5, 1.5]);
    dispose([t, u]);
  });

  it('reads quoted numbers, nan and inf, and a header with no rows', () => {
    const t = parseCsv('"a","b,c"\n"1.5",nan\n-inf,"2"\n');
    expect(t.columns).toEqual(['a', 'b,c']);
    expect(Array.from(t.data.dataSync())).toEqual([1.5, NaN, -Infinity, 2]);
    const e = parseCsv('a,b\n');
    expect(e.data.shape).toEqual([0, 2]);
    dispose([t.data, e.data]);
  });

  it('names line and column for bad values and ragged rows', () => {
    const text = 'w,h\n1,2\n3,abc\n';
    expect(() => parseCsv(text)).toThrow('parseCsv: line 3, column 2 ("h"): "abc" is not a number');
    expect(() => parseCsv('w,h\n1,\n')).toThrow('parseCsv: line 2, column 2 ("h"): empty field (missing value)');
    expect(() => parseCsv('w,h\n1,2\n\n3,4,5\n')).toThrow('parseCsv: line 4 has 3 fields, expected 2 (as the header on line 1)');
    expect(() => parseCsv('1,2\n3\n', { header: false })).toThrow('parseCsv: line 2 has 1 fields, expected 2 (as line 1)');
    expect(() => parseCsv('w\n1.5\n', { dtype: 'int32' })).toThrow('parseCsv: line 2, column 1 ("w"): "1.5" is not an int32 integer (dtype int32)');
    expect(() => parseCsv('w,y\n1,0.5\n', { label: 'y' })).toThrow('parseCsv: line 2, column 2 ("y"): "0.5" is not an int32 integer (dtype int32)');
    expect(() => parseCsv('w,y\n1,\n', { label: 'y' })).toThrow('parseCsv: line 2, column 2 ("y"): empty label (missing value)');
    expect(() => parseCsv('')).toThrow('parseCsv: no header line (the text has no records)');
  });

  it('validates options', () => {
    expect(() => parseCsv('a,b\n1,2', { label: 'c' })).toThrow('parseCsv: label "c" is not a column (columns: a, b)');
    expect(() => parseCsv('a,a\n1,2', { columns: ['a'] })).toThrow('parseCsv: columns[0] "a" names columns 0 and 1; select it by index');
    expect(() => parseCsv('a,b\n1,2', { columns: [2] })).toThrow('parseCsv: columns[0] index 2 is out of range for 2 columns');
    expect(() => parseCsv('a,b\n1,2', { delimiter: '::' })).toThrow('parseCsv: delimiter must be one character other than a quote or line break, got string "::"');
    expect(() => parseCsv('a,b\n1,2', { sep: ';' } as never)).toThrow(
      "parseCsv: unknown option 'sep' (options: header, delimiter, columns, label, dtype, labelDtype, device)",
    );
    expect(() => parseCsv(42 as never)).toThrow('parseCsv: text must be a string, got number 42');
  });

  it('readCsvFile reads a file and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nn-data-csv-'));
    try {
      await writeFile(join(dir, 'iris.csv'), IRIS);
      await writeFile(join(dir, 'bad.csv'), 'a,b\n1,x\n');
      const t = await readCsvFile(join(dir, 'iris.csv'), { label: 'species' });
      expect(t.data.shape).toEqual([4, 2]);
      expect(t.labels!.arraySync()).toEqual([0, 1, 2, 0]);
      await expect(readCsvFile(join(dir, 'bad.csv'))).rejects.toThrow(`readCsvFile: ${join(dir, 'bad.csv')}: line 2, column 2 ("b"): "x" is not a number`);
      dispose([t.data, t.labels]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseCsv leaks nothing on a bad label column (fuzzing regression)', () => {
  it('an invalid label throws before any tensor exists', () => {
    const before = memory().numTensors;
    expect(() => parseCsv('a,label\n1,2\n3,\n', { label: 'label' })).toThrow(/line 3, column 2 \("label"\): empty label/);
    expect(() => parseCsv('a,label\n1,2\n3,1.5\n', { label: 'label' })).toThrow(/not an int32 integer/);
    expect(memory().numTensors).toBe(before);
  });
});
