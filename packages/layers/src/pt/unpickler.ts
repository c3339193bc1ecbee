/**
 * A restricted unpickler, the model being `torch.load(weights_only=True)`: it understands the opcodes of pickle
 * protocols 0-5 that describe data (numbers, strings, bytes, lists, tuples, dicts, sets, memo, persistent ids)
 * and builds plain values; the only callables are the globals the caller allows (`findGlobal`), each a JS
 * function that builds a value. Nothing named by the file is ever executed, and any other global is an error.
 *
 * Python values map to: int → number (bigint beyond ±2^53), float → number, str → string, bytes → Uint8Array,
 * None → null, bool → boolean, list and tuple → array (tuples recorded in `isTuple`), dict → PyDict (converted
 * by the caller, once everything is read), set/frozenset → Set.
 */

/** A Python dict while unpickling: insertion-ordered, keyed as Python compares keys (1 == 1.0 == True). */
export class PyDict {
  readonly items = new Map<string, [unknown, unknown]>();
}

const tuples = new WeakSet<object>();

export function isTuple(x: unknown): boolean {
  return typeof x === 'object' && x !== null && tuples.has(x);
}

/** A global the caller allows: a callable (REDUCE / NEWOBJ call it with the arguments) or a plain value. */
export class PyGlobal {
  constructor(
    readonly qualname: string,
    readonly call?: (args: unknown[]) => unknown,
  ) {}
}

export interface UnpickleContext {
  op: string;
  /** The entry being read (`data.pkl`), named in errors. */
  entry: string;
  /** The allowed global `module.name`, or throws. */
  findGlobal(module: string, name: string): PyGlobal;
  /** BINPERSID / PERSID: the object a persistent id refers to. */
  persistentLoad(pid: unknown): unknown;
}

const OPCODE_NAMES: Record<number, string> = {
  0x69: 'INST', 0x6f: 'OBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/** The value pickled at `bytes[start...]`, and the offset just past its STOP opcode. */
export function unpickle(bytes: Uint8Array, ctx: UnpickleContext, start = 0): { value: unknown; end: number } {
  const { op, entry } = ctx;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pos = start;
  let at = start; // where the current opcode starts
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const fail = (msg: string): never => {
    throw new Error(`${op}: ${msg} at byte ${at} of ${entry}`);
  };
  const need = (n: number): number => {
    if (pos + n > bytes.length) fail('the pickle ends in the middle of an opcode (truncated)');
    const p = pos;
    pos += n;
    return p;
  };
  const u8 = () => bytes[need(1)]!;
  const u16 = () => dv.getUint16(need(2), true);
  const u32 = () => dv.getUint32(need(4), true);
  const u64 = () => {
    const v = dv.getBigUint64(need(8), true);
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes exceeds the pickle`);
    return Number(v);
  };
  const take = (n: number) => bytes.subarray(need(n), pos);
  const text = (b: Uint8Array): string => {
    try {
      return utf8.decode(b);
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('the pickle ends in the middle of an opcode (truncated)');
    const s = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail('the pickle is corrupt (stack underflow)');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('the pickle is corrupt (stack underflow)');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) fail('the pickle is corrupt (no MARK)');
    stack = prev!;
    return items;
  };
  const tuple = (items: unknown[]): unknown[] => {
    tuples.add(items);
    return items;
  };
  const getMemo = (i: number): void => {
    if (!memo.has(i)) fail(`the pickle refers to memo entry ${i}, which was never stored (corrupt)`);
    stack.push(memo.get(i));
  };
  const int = (v: bigint): number | bigint => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v);
  const decodeLong = (b: Uint8Array): number | bigint => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b.length > 0 && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return int(v);
  };
  const list = (x: unknown, opname: string): unknown[] => {
    if (!Array.isArray(x) || isTuple(x)) return fail(`${opname} applies to a list, not ${typeName(x)} (corrupt pickle)`);
    return x;
  };
  const setItem = (d: unknown, k: unknown, v: unknown): void => {
    if (!(d instanceof PyDict)) fail(`SETITEM applies to a dict, not ${typeName(d)} (corrupt pickle)`);
    (d as PyDict).items.set(hashKey(k, fail), [k, v]);
  };
  const call = (f: unknown, args: unknown, opname: string): unknown => {
    if (!(f instanceof PyGlobal) || !f.call) return fail(`${opname} calls ${f instanceof PyGlobal ? f.qualname : typeName(f)}, which is not callable here`);
    if (!Array.isArray(args)) return fail(`${opname} needs a tuple of arguments, got ${typeName(args)}`);
    return f.call(args);
  };

  for (;;) {
    at = pos;
    const code = u8();
    switch (code) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) fail(`pickle protocol ${v} is not supported (protocols 0 to 5 are)`);
        break;
      }
      case 0x95: // FRAME: a length hint only
        need(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || metastack.length) fail('the pickle is corrupt (STOP with an unbalanced stack)');
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x49: { // INT (text; "00"/"01" are False/True in protocol 0)
        const s = line();
        stack.push(s === '00' ? false : s === '01' ? true : parseInteger(s, fail));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(parseInteger(line().replace(/L$/, ''), fail));
        break;
      case 0x4a: // BININT
        stack.push(dv.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(decodeLong(take(u32())));
        break;
      case 0x46: // FLOAT (text: Python's repr)
        stack.push(parseFloatRepr(line(), fail));
        break;
      case 0x47: // BINFLOAT (big-endian)
        stack.push(dv.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(take(u64())));
        break;
      case 0x56: // UNICODE (protocol 0: raw-unicode-escape)
        stack.push(line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u: string, U: string) => String.fromCodePoint(parseInt(u ?? U, 16))));
        break;
      case 0x54: // BINSTRING (Python 2 str)
        stack.push(text(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(text(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: { // LIST
        const items = popMark(); // before naming `stack`: popMark replaces it
        stack.push(items);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        list(top(), 'APPEND').push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        list(top(), 'APPENDS').push(...items);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x74: { // TUPLE
        const items = popMark();
        stack.push(tuple(items));
        break;
      }
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: { // TUPLE3
        const n = code - 0x84;
        if (stack.length < n) fail('the pickle is corrupt (stack underflow)');
        stack.push(tuple(stack.splice(stack.length - n, n)));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: { // DICT
        const items = popMark();
        const d = new PyDict();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItem(top(), k, v);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        if (items.length % 2) fail('SETITEMS has an odd number of items (corrupt pickle)');
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail(`ADDITEMS applies to a set, not ${typeName(s)} (corrupt pickle)`);
        for (const x of items) (s as Set<unknown>).add(x);
        break;
      }
      case 0x91: { // FROZENSET
        const items = popMark();
        stack.push(new Set(items));
        break;
      }
      case 0x63: { // GLOBAL
        const module = line();
        stack.push(ctx.findGlobal(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings (corrupt pickle)');
        stack.push(ctx.findGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        stack.push(call(pop(), args, 'REDUCE'));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        stack.push(call(pop(), args, 'NEWOBJ'));
        break;
      }
      case 0x62: { // BUILD
        pop(); // the state
        const target = top();
        // OrderedDict state dicts carry `_metadata` (per-module versions) as an attribute: not part of the data.
        if (!(target instanceof PyDict)) fail(`BUILD (setting the state of an object) applies only to dicts here, not to ${typeName(target)}`);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(ctx.persistentLoad(pop()));
        break;
      case 0x50: // PERSID (text)
        stack.push(ctx.persistentLoad(line()));
        break;
      case 0x67: // GET
        getMemo(Number(parseInteger(line(), fail)));
        break;
      case 0x68: // BINGET
        getMemo(u8());
        break;
      case 0x6a: // LONG_BINGET
        getMemo(u32());
        break;
      case 0x70: // PUT
        memo.set(Number(parseInteger(line(), fail)), top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      default:
        fail(
          OPCODE_NAMES[code]
            ? `the pickle opcode ${OPCODE_NAMES[code]} (0x${code.toString(16)}) builds arbitrary objects and is not supported`
            : `unknown pickle opcode 0x${code.toString(16).padStart(2, '0')}: the file is corrupt or not a PyTorch checkpoint`,
        );
    }
  }
}

function parseFloatRepr(s: string, fail: (msg: string) => never): number {
  const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
  const v = s in special ? special[s]! : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : NaN;
  if (Number.isNaN(v) && s !== 'nan') fail(`'${s}' is not a float`);
  return v;
}

function parseInteger(s: string, fail: (msg: string) => never): number | bigint {
  if (!/^[-+]?\d+$/.test(s.trim())) fail(`'${s}' is not an integer`);
  const v = BigInt(s.trim());
  return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
}

/** A dict key as Python hashes it: equal numbers (1, 1.0, True) are one key; tuples by their items. */
function hashKey(k: unknown, fail: (msg: string) => never): string {
  if (typeof k === 'string') return `s${k}`;
  if (typeof k === 'boolean') return `n${Number(k)}`;
  if (typeof k === 'number' || typeof k === 'bigint') return `n${String(k)}`;
  if (k === null) return 'None';
  if (k instanceof Uint8Array) return `b${Array.from(k).join(',')}`;
  if (Array.isArray(k) && isTuple(k)) return `(${k.map((x) => hashKey(x, fail)).join(',')})`;
  return fail(`a dict key of type ${typeName(k)} is unhashable (corrupt pickle)`);
}

/** A value's Python type name, for error messages. */
export function typeName(x: unknown): string {
  if (x === null) return 'None';
  if (Array.isArray(x)) return isTuple(x) ? 'a tuple' : 'a list';
  if (x instanceof PyDict) return 'a dict';
  if (x instanceof PyGlobal) return x.qualname;
  if (x instanceof Set) return 'a set';
  if (x instanceof Uint8Array) return 'bytes';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return typeof x === 'number' ? 'a number' : typeof x === 'string' ? 'a string' : typeof x;
}
