/**
 * CSV tokenizing (RFC 4180): fields separated by a one-character delimiter, records by LF, CRLF or CR; a field
 * in double quotes may hold delimiters, line breaks and doubled quotes (`""` stands for `"`). Blank lines are
 * skipped. Each record remembers the line it starts on, for error messages.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line number where the record starts. */
  line: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Splits `text` into records; throws `op: line L, column C: ...` for a stray or unterminated quote. */
export function csvRecords(op: string, text: string, delimiter: string): CsvRecord[] {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let quotedField = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  const endRecord = () => {
    if (!(fields.length === 1 && fields[0] === '' && !quotedField)) records.push({ fields, line: recordLine });
    fields = [];
  };
  while (i <= n) {
    // At the start of a field.
    const column = fields.length + 1;
    quotedField = text.charCodeAt(i) === QUOTE;
    if (quotedField) {
      const openLine = line;
      let value = '';
      let p = i + 1;
      for (;;) {
        const q = text.indexOf('"', p);
        if (q < 0)
          throw new Error(
            `${op}: line ${openLine}, column ${column}: unterminated quoted field (no closing quote before the end of the text)`,
          );
        value += text.slice(p, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          p = q + 2;
        } else {
          p = q + 1;
          break;
        }
      }
      line += countLineBreaks(text, i, p);
      const c = text.charCodeAt(p);
      if (p < n && c !== delim && c !== LF && c !== CR)
        throw new Error(
          `${op}: line ${line}, column ${column}: unexpected ${JSON.stringify(text[p])} after the closing quote of a quoted field`,
        );
      fields.push(value);
      i = p;
    } else {
      let p = i;
      for (; p < n; p++) {
        const c = text.charCodeAt(p);
        if (c === delim || c === LF || c === CR) break;
        if (c === QUOTE)
          throw new Error(
            `${op}: line ${line}, column ${column}: unexpected quote inside an unquoted field (quote the whole field and double inner quotes)`,
          );
      }
      fields.push(text.slice(i, p));
      i = p;
    }
    // After a field: a delimiter, a line break or the end.
    const c = text.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    endRecord();
    if (i >= n) break;
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    recordLine = line;
    if (i === n) break;
  }
  return records;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let k = 0;
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c === LF || (c === CR && text.charCodeAt(p + 1) !== LF)) k++;
  }
  return k;
}
