import { describe, expect, it } from 'vitest';
import { OsteonError } from '../../errors.js';
import { PickleCallable, unpickle, type PickleValue, type UnpickleOptions } from './pickle.js';

/** Concatenates opcodes and their arguments: numbers are bytes, strings are latin1 text. */
function bytes(...parts: Array<number | string | number[] | Uint8Array>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') out.push(...Buffer.from(part, 'latin1'));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const binunicode = (text: string) => {
  const utf8 = Buffer.from(text, 'utf8');
  return bytes(0x58, u32(utf8.length), utf8);
};
const shortUnicode = (text: string) => {
  const utf8 = Buffer.from(text, 'utf8');
  return bytes(0x8c, utf8.length, utf8);
};
const float = (x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return bytes(0x47, b);
};

const noGlobals: UnpickleOptions = {
  source: 'test.pkl',
  resolveGlobal: (module, name) => {
    throw new Error(`unexpected global ${module}.${name}`);
  },
};

function load(data: Uint8Array, options: UnpickleOptions = noGlobals): PickleValue {
  return unpickle(data, 0, options).value;
}

function expectBadPickle(data: Uint8Array, message: RegExp, options: UnpickleOptions = noGlobals): void {
  let error: unknown;
  try {
    load(data, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OsteonError);
  expect((error as OsteonError).code).toBe('BAD_CHECKPOINT');
  expect((error as OsteonError).message).toMatch(message);
}

describe('unpickle', () => {
  it('reads scalars, text and bytes in a list', () => {
    const data = bytes(
      0x80, 2, 0x5d, 0x28,
      0x4b, 200, // BININT1
      0x4d, 0x34, 0x12, // BININT2
      0x4a, u32(-5 >>> 0), // BININT
      0x8a, 0, // LONG1 of no bytes: 0
      0x8a, 2, 0x00, 0x80, // LONG1: -32768
      0x8a, 9, [1, 0, 0, 0, 0, 0, 0, 0, 1], // LONG1: 2^64 + 1, beyond a safe number
      float(-0.1),
      0x88, 0x89, 0x4e,
      binunicode('fémur'),
      shortUnicode('ulna'),
      0x56, 'tibia\\u00e9\n', // UNICODE
      0x55, 3, 'abc', // SHORT_BINSTRING (Python 2 str)
      0x43, 3, [1, 2, 3], // SHORT_BINBYTES
      0x42, u32(2), [9, 8], // BINBYTES
      0x65, 0x2e,
    );
    expect(load(data)).toEqual([
      200, 0x1234, -5, 0, -32768, 2n ** 64n + 1n, -0.1, true, false, null, 'fémur', 'ulna', 'tibiaé', 'abc',
      Uint8Array.of(1, 2, 3), Uint8Array.of(9, 8),
    ]);
  });

  it('builds dicts, lists and tuples, and keeps memoised objects shared', () => {
    const data = bytes(
      0x80, 2,
      0x7d, 0x71, 0, // EMPTY_DICT, BINPUT 0
      shortUnicode('pair'), 0x4b, 1, 0x4b, 2, 0x86, 0x73, // SETITEM pair: (1, 2)
      shortUnicode('list'), 0x5d, 0x72, u32(1), 0x4b, 7, 0x61, 0x73, // [7] memoised under LONG_BINPUT 1
      shortUnicode('same'), 0x6a, u32(1), 0x73, // LONG_BINGET 1: the same list object
      shortUnicode('self'), 0x68, 0, 0x73, // BINGET 0: the dict itself
      0x28, shortUnicode('t3'), 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x87, shortUnicode('t1'), 0x4e, 0x85, 0x75, // SETITEMS
      0x2e,
    );
    const dict = load(data) as Map<string, PickleValue>;
    expect([...dict.keys()]).toEqual(['pair', 'list', 'same', 'self', 't3', 't1']);
    expect(dict.get('pair')).toEqual([1, 2]);
    expect(dict.get('list')).toEqual([7]);
    expect(dict.get('same')).toBe(dict.get('list'));
    expect(dict.get('self')).toBe(dict);
    expect(dict.get('t3')).toEqual([1, 2, 3]);
    expect(dict.get('t1')).toEqual([null]);
  });

  it('reads protocol 4: frames, MEMOIZE, STACK_GLOBAL, and calls whitelisted callables through REDUCE', () => {
    const calls: Array<[string, PickleValue[]]> = [];
    const options: UnpickleOptions = {
      source: 'test.pkl',
      resolveGlobal: (module, name) =>
        new PickleCallable(`${module}.${name}`, (args) => {
          calls.push([`${module}.${name}`, args]);
          return new Map([['built', args.length]]);
        }),
    };
    const body = bytes(
      shortUnicode('collections'), 0x94, shortUnicode('OrderedDict'), 0x94, 0x93, 0x94,
      0x29, 0x52, 0x94, // REDUCE with ()
      0x7d, 0x62, // BUILD with {}: attributes are dropped
      0x68, 2, 0x4b, 5, 0x85, 0x52, // BINGET 2 (the callable), called again with (5,)
      0x86, 0x2e,
    );
    const data = bytes(0x80, 4, 0x95, [body.length, 0, 0, 0, 0, 0, 0, 0], body);
    expect(load(data, options)).toEqual([new Map([['built', 0]]), new Map([['built', 1]])]);
    expect(calls).toEqual([['collections.OrderedDict', []], ['collections.OrderedDict', [5]]]);
  });

  it('hands persistent ids to persistentLoad', () => {
    const data = bytes(0x80, 2, shortUnicode('storage'), 0x4b, 3, 0x86, 0x51, 0x50, 'key\n', 0x86, 0x2e);
    const value = load(data, { ...noGlobals, persistentLoad: (id) => ({ id }) });
    expect(value).toEqual([{ id: ['storage', 3] }, { id: 'key' }]);
    expectBadPickle(data, /persistent id/);
  });

  it('returns where a pickle ends, so consecutive pickles can be read', () => {
    const data = bytes(0x80, 2, 0x4b, 1, 0x2e, 0x80, 2, 0x4b, 2, 0x2e);
    const first = unpickle(data, 0, noGlobals);
    expect(first).toEqual({ value: 1, end: 5 });
    expect(unpickle(data, first.end, noGlobals)).toEqual({ value: 2, end: 10 });
  });

  it('refuses unknown opcodes, truncated pickles, unknown memo entries and misplaced values', () => {
    expectBadPickle(bytes(0x80, 2, 0xff, 0x2e), /unsupported pickle opcode 0xff at byte 2/);
    expectBadPickle(bytes(0x80, 2, 0x58, u32(100), 'ab'), /ends early \(truncated file\)/);
    expectBadPickle(bytes(0x80, 2, 0x5d, 0x4b, 1), /ends early/);
    expectBadPickle(bytes(0x80, 2, 0x68, 4, 0x2e), /memo entry 4, which was never stored/);
    expectBadPickle(bytes(0x80, 2, 0x2e), /stack empty/);
    expectBadPickle(bytes(0x80, 2, 0x5d, 0x4b, 1, 0x4b, 2, 0x73, 0x2e), /SETITEM applies to something other than a dict/);
    expectBadPickle(bytes(0x80, 2, 0x4b, 1, 0x29, 0x52, 0x2e), /not a known callable/);
    expectBadPickle(bytes(0x80, 6, 0x2e), /protocol newer than 5/);
  });
});
