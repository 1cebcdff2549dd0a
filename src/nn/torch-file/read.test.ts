import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OsteonError } from '../../errors.js';
import type { StateDict } from '../native.js';
import { loadTorchCheckpoint, readTorchCheckpoint } from './index.js';

// Written by real PyTorch 1.13 through scripts/make-torch-fixtures.py.
const FIXTURES = 'test/fixtures/torch-files';

interface ExpectedTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  values: Array<number | string>;
}
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, ExpectedTensor>
>;

function fixture(name: string): Uint8Array {
  // A fresh ArrayBuffer, so the file starts 8-byte aligned whatever pool readFileSync used.
  return new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
}

function expectTensors(state: StateDict, file: string): void {
  const want = expected[file]!;
  expect(Object.keys(state)).toEqual(Object.keys(want));
  for (const [name, tensor] of Object.entries(want)) {
    const got = state[name]!;
    expect({ name, shape: got.shape, dtype: got.dtype }).toEqual({ name, shape: tensor.shape, dtype: tensor.dtype });
    const values = got.data instanceof BigInt64Array ? Array.from(got.data, String) : Array.from(got.data);
    const wanted = tensor.values.map((v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
    expect(values, name).toEqual(wanted);
  }
}

function expectBadCheckpoint(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OsteonError);
  expect((error as OsteonError).code).toBe('BAD_CHECKPOINT');
  expect((error as OsteonError).message).toMatch(message);
}

/** Replaces every occurrence of `from` by `to` (same length) in a copy of the bytes. */
function replaceAll(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const out = new Uint8Array(bytes);
  const needle = Buffer.from(from, 'latin1');
  const buffer = Buffer.from(out.buffer);
  let at = buffer.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  while (at >= 0) {
    buffer.write(to, at, 'latin1');
    at = buffer.indexOf(needle, at + 1);
  }
  return out;
}

describe('readTorchCheckpoint', () => {
  for (const file of ['tiny-zip.pt', 'deflated-zip.pt', 'tiny-legacy.pt', 'dtypes-zip.pt', 'dtypes-legacy.pt']) {
    it(`reads every tensor of ${file} exactly`, () => {
      expectTensors(readTorchCheckpoint(fixture(file), file), file);
    });
  }

  it('reads an OrderedDict state dict with int64 num_batches_tracked, conv, batch norm and linear keys', () => {
    const state = readTorchCheckpoint(fixture('tiny-zip.pt'), 'tiny-zip.pt');
    expect(state['0.weight']!.shape).toEqual([4, 1, 3, 3]);
    expect(state['1.num_batches_tracked']).toEqual({ shape: [], dtype: 'int64', data: BigInt64Array.of(3n) });
    expect(state['5.weight']!.shape).toEqual([2, 4]);
  });

  it('finds the weights under "state_dict" in a training checkpoint and drops the rest', () => {
    expectTensors(readTorchCheckpoint(fixture('checkpoint.pt'), 'checkpoint.pt'), 'checkpoint.pt');
  });

  for (const file of ['plain-pickle-p2.pkl', 'plain-pickle-p4.pkl']) {
    it(`reads tensors from a plain pickle (${file})`, () => {
      expectTensors(readTorchCheckpoint(fixture(file), file), file);
    });
  }

  it('shares memory with an aligned file for contiguous float32 tensors, and copies when unaligned', () => {
    const bytes = fixture('tiny-zip.pt');
    const aligned = readTorchCheckpoint(bytes, 'tiny-zip.pt');
    expect(aligned['0.weight']!.data.buffer).toBe(bytes.buffer);

    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const unaligned = readTorchCheckpoint(shifted.subarray(1), 'tiny-zip.pt');
    expect(unaligned['0.weight']!.data.buffer).not.toBe(shifted.buffer);
    expectTensors(unaligned, 'tiny-zip.pt');
  });

  it('loads a file from disk, and names a missing one', () => {
    expectTensors(loadTorchCheckpoint(path.join(FIXTURES, 'tiny-legacy.pt')), 'tiny-legacy.pt');
    expect(() => loadTorchCheckpoint(path.join(FIXTURES, 'absent.pt'))).toThrow(/Cannot read checkpoint .*absent\.pt/);
  });
});

describe('readTorchCheckpoint refuses', () => {
  it('a global outside the whitelist (os.system in a zip, builtins.eval in a protocol-4 pickle)', () => {
    expectBadCheckpoint(
      () => readTorchCheckpoint(fixture('malicious-zip.pt'), 'malicious-zip.pt'),
      /^unsupported object os\.system in malicious-zip\.pt: only tensors and dicts of tensors are read/,
    );
    expectBadCheckpoint(
      () => readTorchCheckpoint(fixture('malicious-p4.pkl'), 'malicious-p4.pkl'),
      /^unsupported object builtins\.eval in malicious-p4\.pkl/,
    );
  });

  it('a whole pickled nn.Module, saying to save its state dict', () => {
    expectBadCheckpoint(
      () => readTorchCheckpoint(fixture('whole-module.pt'), 'whole-module.pt'),
      /unsupported object torch\.nn\.modules\.container\.Sequential in whole-module\.pt.*model\.state_dict\(\)/,
    );
  });

  it('a truncated zip file', () => {
    const bytes = fixture('tiny-zip.pt');
    expectBadCheckpoint(() => readTorchCheckpoint(bytes.subarray(0, bytes.length - 200), 'cut.pt'), /cut\.pt .*truncated/);
    expectBadCheckpoint(() => readTorchCheckpoint(bytes.subarray(0, 1500), 'cut.pt'), /cut\.pt .*truncated/);
  });

  it('a truncated legacy file', () => {
    const bytes = fixture('tiny-legacy.pt');
    expectBadCheckpoint(() => readTorchCheckpoint(bytes.subarray(0, bytes.length - 10), 'cut.pt'), /cut\.pt .*storage .*truncated/);
    expectBadCheckpoint(() => readTorchCheckpoint(bytes.subarray(0, 200), 'cut.pt'), /cut\.pt .*truncated/);
  });

  it('a zip without data.pkl', () => {
    const bytes = replaceAll(fixture('tiny-zip.pt'), 'data.pkl', 'data.pkx');
    expectBadCheckpoint(() => readTorchCheckpoint(bytes, 'nopkl.pt'), /nopkl\.pt .*without data\.pkl/);
  });

  it('a zip missing a storage entry', () => {
    const bytes = replaceAll(fixture('tiny-zip.pt'), 'tiny-zip/data/0', 'tiny-zip/data/X');
    expectBadCheckpoint(() => readTorchCheckpoint(bytes, 'gap.pt'), /gap\.pt .*storage entry tiny-zip\/data\/0 is missing/);
  });

  it('a pickle with an unknown opcode', () => {
    const bytes = fixture('tiny-zip.pt');
    const pickleAt = Buffer.from(bytes.buffer).indexOf('\x80\x02ccollections', 0, 'latin1');
    bytes[pickleAt + 2] = 0xff;
    expectBadCheckpoint(() => readTorchCheckpoint(bytes, 'op.pt'), /op\.pt .*unsupported pickle opcode 0xff at byte 2/);
  });

  it('a file that is not a checkpoint, and one that holds no tensors', () => {
    expectBadCheckpoint(() => readTorchCheckpoint(new TextEncoder().encode('hello'), 'a.txt'), /a\.txt is not a PyTorch checkpoint/);
    // pickle.dumps({'epoch': 3}, protocol=2)
    const noTensors = Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x58, 5, 0, 0, 0, ...Buffer.from('epoch'), 0x71, 1, 0x4b, 3, 0x73, 0x2e]);
    expectBadCheckpoint(() => readTorchCheckpoint(noTensors, 'e.pt'), /e\.pt holds no tensors .*its keys: epoch/);
  });
});
