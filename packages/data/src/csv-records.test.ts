import { describe, expect, it } from 'vitest';
import { csvRecords } from './csv-records.js';

const fields = (text: string, delimiter = ',') => csvRecords('t', text, delimiter).map((r) => r.fields);

describe('csvRecords', () => {
  it('splits records on LF, CRLF and CR, keeping empty fields and skipping blank lines', () => {
    expect(fields('a,b\r\n1,2\n\n3,\r4,5\n')).toEqual([['a', 'b'], ['1', '2'], ['3', ''], ['4', '5']]);
    expect(fields('x;y\n1;2', ';')).toEqual([['x', 'y'], ['1', '2']]);
    expect(fields('')).toEqual([]);
    expect(fields('\ufeffa,b')).toEqual([['a', 'b']]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, and tracks line numbers', () => {
    const records = csvRecords('t', 'name,note\n"Smith, J","said ""hi""\r\nthen left"\n"",x\n', ',');
    expect(records.map((r) => r.fields)).toEqual([['name', 'note'], ['Smith, J', 'said "hi"\r\nthen left'], ['', 'x']]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('rejects stray and unterminated quotes, naming line and column', () => {
    expect(() => fields('a,b\n1,2"3\n')).toThrow('t: line 2, column 2: unexpected quote inside an unquoted field');
    expect(() => fields('a,b\n"x"y,2\n')).toThrow('t: line 2, column 1: unexpected "y" after the closing quote of a quoted field');
    expect(() => fields('a,b\n1,"open\n\n')).toThrow('t: line 2, column 2: unterminated quoted field (no closing quote before the end of the text)');
  });
});
