import { OsteonError } from '../../errors.js';

/**
 * A small interpreter for the Python pickle format (protocols 2-5), limited to the opcodes that torch.save and
 * pickle.dumps emit for tensors and containers. It never runs code: a global (GLOBAL, STACK_GLOBAL) is only what
 * `resolveGlobal` hands back for a whitelisted name, and it throws for any other.
 *
 * Values: None -> null, bool, int -> number (bigint beyond 2^53), float -> number, str -> string,
 * bytes -> Uint8Array, list and tuple -> array, dict -> Map.
 */

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | PickleCallable
  | object;

/** A whitelisted Python callable or class; REDUCE and NEWOBJ call it with the argument tuple. */
export class PickleCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: PickleValue[]) => PickleValue,
  ) {}
}

export interface UnpickleOptions {
  /** Name of the file, for error messages. */
  source: string;
  resolveGlobal(module: string, name: string): PickleValue;
  /** Turns a persistent id (BINPERSID, PERSID) into an object; absent: such ids are an error. */
  persistentLoad?(id: PickleValue): PickleValue;
}

export interface UnpickleResult {
  value: PickleValue;
  /** Offset just past the STOP opcode: where a following pickle starts. */
  end: number;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

function longFromBytes(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Reads the pickle that starts at `start` in `bytes`. */
export function unpickle(bytes: Uint8Array, start: number, options: UnpickleOptions): UnpickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = start;

  const fail = (why: string): never => {
    throw new OsteonError(
      'BAD_CHECKPOINT',
      `${options.source} is not a readable PyTorch checkpoint: ${why}. The file may be damaged; download or save it again.`,
    );
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`the pickle at byte ${start} ends early (truncated file)`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = () => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes exceeds the file`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`the pickle at byte ${start} ends early in a text argument (truncated file)`);
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): PickleValue => {
    const item = stack.pop();
    if (item === undefined) fail('an opcode found the stack empty');
    if (item === MARK) fail('an opcode found a mark where it expected a value');
    return item as PickleValue;
  };
  const top = (): PickleValue => {
    const item = stack[stack.length - 1];
    if (item === undefined || item === MARK) fail('an opcode found no object on the stack');
    return item as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const at = marks.pop();
    if (at === undefined) fail('an opcode expected a mark that is missing');
    const items = stack.splice(at!) as PickleValue[];
    items.shift(); // the MARK itself
    return items;
  };
  const asMap = (value: PickleValue): Map<PickleValue, PickleValue> => {
    if (!(value instanceof Map)) fail('SETITEM applies to something other than a dict');
    return value as Map<PickleValue, PickleValue>;
  };
  const asList = (value: PickleValue): PickleValue[] => {
    if (!Array.isArray(value)) fail('APPEND applies to something other than a list');
    return value as PickleValue[];
  };
  const call = (callable: PickleValue, args: PickleValue): PickleValue => {
    if (!(callable instanceof PickleCallable)) fail('REDUCE applies to something that is not a known callable');
    if (!Array.isArray(args)) fail('REDUCE has arguments that are not a tuple');
    return (callable as PickleCallable).call(args as PickleValue[]);
  };
  const memoGet = (index: number) => {
    if (!memo.has(index)) fail(`the pickle refers to memo entry ${index}, which was never stored`);
    return memo.get(index)!;
  };
  const persistent = (id: PickleValue) => {
    if (!options.persistentLoad) fail('the pickle refers to external data (a persistent id) where none is expected');
    return options.persistentLoad!(id);
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('it uses a pickle protocol newer than 5');
        break;
      case 0x95: // FRAME: a length hint only
        pos += 8;
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
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
      case 0x4a: // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longFromBytes(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(longFromBytes(take(u32())));
        break;
      case 0x49: {
        // INT (text): protocol 0, also how older pickles write booleans
        const text = line().trim();
        stack.push(text === '01' ? true : text === '00' ? false : Number.parseInt(text, 10));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text line)
        stack.push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))));
        break;
      case 0x54: // BINSTRING: a Python 2 str, read as text like torch.load(encoding='utf-8')
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()));
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const dict = new Map<PickleValue, PickleValue>();
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        asMap(top()).set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = asMap(top());
        if (items.length % 2) fail('SETITEMS has an odd number of items');
        for (let i = 0; i < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        asList(top()).push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = asList(top());
        for (const item of items) list.push(item);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(options.resolveGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL has a non-text name');
        stack.push(options.resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); whitelisted classes build themselves from args
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: // BUILD: sets Python attributes (e.g. OrderedDict._metadata), which hold no tensors we read
        pop();
        top();
        break;
      case 0x51: // BINPERSID
        stack.push(persistent(pop()));
        break;
      case 0x50: // PERSID
        stack.push(persistent(line()));
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
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x30: // POP
        if (stack[stack.length - 1] === MARK) popMark();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    }
  }
}
