import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OsteonError } from '../../errors.js';
import { exportOnnx } from '../../nn/export.js';
import { graphParameters } from '../../nn/ir.js';
import type { StateDict } from '../../nn/native.js';
import { DataType, encodeModel } from '../../nn/onnx/onnx-proto.js';
import { float32LittleEndian } from '../../nn/onnx/protobuf.js';
import { randomWeights } from '../../../test/helpers/reference-ops.js';
import { tinyNet } from '../../../test/helpers/tiny-graphs.js';
import { ModelRegistry } from './index.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-registry-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let workspaces = 0;
function newWorkspace(): string {
  return path.join(scratch, `workspace-${++workspaces}`);
}

/** A small Osteon model with seeded random weights; the seed and threshold make each one's bytes distinct. */
function osteonModel(seed: number, threshold = 0.4): Uint8Array {
  const graph = tinyNet();
  const shapes = new Map(graphParameters(graph).map((p) => [p.name, p.shape]));
  const state: StateDict = Object.fromEntries(
    [...randomWeights(graph, seed)].map(([name, data]) => [
      name,
      { shape: shapes.get(name) ?? [data.length], dtype: data instanceof BigInt64Array ? 'int64' : 'float32', data },
    ]),
  );
  return exportOnnx(graph, state, {
    spec: { size: 24, channels: 1, mean: [0.45], std: [0.22], resize: 'letterbox' },
    classes: ['fractured', 'normal'],
    threshold,
    runId: `run-${seed}`,
  });
}

/** A valid ONNX classifier from another framework: no Osteon metadata. */
function foreignModel(): Uint8Array {
  return encodeModel({
    producerName: 'elsewhere',
    producerVersion: '1',
    graph: {
      name: 'plain',
      nodes: [
        { name: 'pool', opType: 'GlobalAveragePool', inputs: ['pixels'], outputs: ['pooled'] },
        { name: 'flat', opType: 'Flatten', inputs: ['pooled'], outputs: ['flat'] },
        { name: 'fc', opType: 'Gemm', inputs: ['flat', 'w'], outputs: ['scores'], attributes: [{ name: 'transB', type: 'int', value: 1 }] },
      ],
      initializers: [{ name: 'w', dims: [2, 1], dataType: DataType.FLOAT, raw: float32LittleEndian(Float32Array.of(1, -1)) }],
      inputs: [{ name: 'pixels', dims: [1, 1, 8, 8] }],
      outputs: [{ name: 'scores', dims: [1, 2] }],
    },
    metadata: [],
  });
}

function errorOf(fn: () => unknown): OsteonError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OsteonError);
    return error as OsteonError;
  }
  throw new Error('expected an OsteonError, got none');
}

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');
const models = (workspace: string) => path.join(workspace, 'models');

describe('ModelRegistry', () => {
  it('registers a model as a numbered version described by its own metadata, not yet deployed', () => {
    const workspace = newWorkspace();
    const registry = ModelRegistry.open(workspace);
    expect(registry.list()).toEqual([]);
    const onnx = osteonModel(1, 0.37);
    const before = Date.now();
    const v = registry.register(onnx, { note: 'first try' });
    expect(v).toMatchObject({
      version: 1, runId: 'run-1', arch: 'tiny', classes: ['fractured', 'normal'], threshold: 0.37, inputSize: 24,
      sha256: sha256(onnx), bytes: onnx.length, note: 'first try',
    });
    expect(Date.parse(v.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(v.file).toBe(path.join(models(workspace), 'v0001', 'model.onnx'));
    expect(sha256(fs.readFileSync(v.file))).toBe(v.sha256);
    expect(JSON.parse(fs.readFileSync(path.join(models(workspace), 'v0001', 'version.json'), 'utf8'))).toMatchObject({ version: 1, sha256: v.sha256 });
    expect(registry.register(osteonModel(2), { runId: 'given-run' })).toMatchObject({ version: 2, runId: 'given-run', note: null });
    expect(registry.current()).toBeNull();
    expect(registry.list().map((m) => m.version)).toEqual([1, 2]);
    expect(registry.get(1)).toEqual(v);
    expect(errorOf(() => registry.get(7)).code).toBe('MODEL_VERSION_NOT_FOUND');
  });

  it('promotes, rolls back through earlier deployments, and records each change', () => {
    const registry = ModelRegistry.open(newWorkspace());
    for (let seed = 1; seed <= 3; seed++) registry.register(osteonModel(seed));
    expect(errorOf(() => registry.rollback()).code).toBe('NO_PREVIOUS_VERSION');
    expect(registry.promote(1).version).toBe(1);
    expect(errorOf(() => registry.rollback()).code).toBe('NO_PREVIOUS_VERSION');
    registry.promote(2);
    registry.promote(2); // already deployed: no change
    registry.promote(3);
    expect(registry.current()?.version).toBe(3);
    expect(registry.rollback().version).toBe(2);
    expect(registry.current()?.version).toBe(2);
    expect(registry.rollback().version).toBe(1);
    expect(errorOf(() => registry.rollback()).code).toBe('NO_PREVIOUS_VERSION');
    expect(registry.current()?.version).toBe(1);
    expect(registry.history().map((e) => `${e.action} ${e.version}`)).toEqual(['promote 1', 'promote 2', 'promote 3', 'rollback 2', 'rollback 1']);
    expect(registry.history().every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(errorOf(() => registry.promote(9)).code).toBe('MODEL_VERSION_NOT_FOUND');
    expect(registry.current()?.version).toBe(1);
    registry.promote(3);
    registry.promote(2);
    expect(registry.rollback().version).toBe(3); // the one deployed just before, though not the newest
  });

  it('leaves a workspace without models untouched when there is nothing to roll back', () => {
    const workspace = newWorkspace();
    expect(errorOf(() => ModelRegistry.open(workspace).rollback()).message).toMatch(/nothing to roll back.*osteon versions promote/);
    expect(fs.existsSync(workspace)).toBe(false);
  });

  it('never hands out a number twice, even after rollbacks or a version folder removed by hand', () => {
    const workspace = newWorkspace();
    const registry = ModelRegistry.open(workspace);
    registry.register(osteonModel(1));
    registry.register(osteonModel(2));
    registry.promote(1);
    registry.promote(2);
    registry.rollback();
    expect(registry.register(osteonModel(3)).version).toBe(3);
    registry.promote(3);
    fs.rmSync(path.join(models(workspace), 'v0003'), { recursive: true });
    expect(registry.register(osteonModel(4)).version).toBe(4);
    expect(registry.list().map((m) => m.version)).toEqual([1, 2, 4]);
  });

  it('keeps versions and the deployed one across a re-open, and its stamp tells another process\'s change', () => {
    const workspace = newWorkspace();
    const first = ModelRegistry.open(workspace);
    const second = ModelRegistry.open(workspace);
    expect(second.currentStamp()).toBe('none');
    first.register(osteonModel(1));
    first.register(osteonModel(2));
    first.promote(2);
    const stamp = second.currentStamp();
    expect(second.currentStamp()).toBe(stamp);
    expect(second.current()?.version).toBe(2);
    first.promote(1);
    expect(second.currentStamp()).not.toBe(stamp);
    expect(second.current()?.version).toBe(1);
    const reopened = ModelRegistry.open(workspace);
    expect(reopened.current()?.version).toBe(1);
    expect(reopened.list()).toEqual(first.list());
    expect(reopened.history()).toEqual(first.history());
    expect(JSON.parse(fs.readFileSync(path.join(models(workspace), 'deployed.json'), 'utf8')).current).toBe(1);
  });

  it('refuses ONNX it cannot serve with a specific code, and leaves nothing behind', () => {
    const workspace = newWorkspace();
    const registry = ModelRegistry.open(workspace);
    const good = osteonModel(1);
    expect(errorOf(() => registry.register(foreignModel())).code).toBe('ONNX_NOT_OSTEON');
    expect(errorOf(() => registry.register(good.subarray(0, Math.floor(good.length / 2)))).code).toBe('ONNX_INVALID');
    expect(errorOf(() => registry.register(new TextEncoder().encode('{"not": "a model"}'))).code).toBe('ONNX_INVALID');
    expect(errorOf(() => registry.register(new Uint8Array(0))).message).toMatch(/empty/);
    expect(registry.list()).toEqual([]);
    expect(fs.existsSync(models(workspace)) ? fs.readdirSync(models(workspace)) : []).toEqual([]);
    expect(registry.register(good).version).toBe(1);
  });

  it('ignores what a crash leaves behind: a half-written pointer temp file and a half-filled version folder', () => {
    const workspace = newWorkspace();
    const registry = ModelRegistry.open(workspace);
    registry.register(osteonModel(1));
    registry.register(osteonModel(2));
    registry.promote(2);
    const dir = models(workspace);
    fs.writeFileSync(path.join(dir, '.deployed.json.4242.1700000000000.tmp'), '{"current": 1, "history": [{"vers');
    const fresh = path.join(dir, '.incoming-4242-0000aaaa');
    const old = path.join(dir, '.incoming-4243-0000bbbb');
    for (const folder of [fresh, old]) {
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'model.onnx'), osteonModel(3).subarray(0, 100));
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo);

    const reopened = ModelRegistry.open(workspace);
    expect(reopened.current()?.version).toBe(2);
    expect(reopened.list().map((m) => m.version)).toEqual([1, 2]);
    expect(reopened.register(osteonModel(3)).version).toBe(3);
    expect(fs.existsSync(fresh)).toBe(true); // may belong to a live process
    expect(fs.existsSync(old)).toBe(false);
  });

  it('gives distinct numbers and loses no promotion when processes register and deploy at once', async () => {
    const workspace = newWorkspace();
    const perProcess = 8;
    const promotions = 40;
    const modelFiles = [1, 2].map((p) => {
      const file = path.join(scratch, `concurrent-${p}.onnx`);
      fs.writeFileSync(file, osteonModel(100 + p));
      return file;
    });
    const go = path.join(scratch, 'go');
    const registryModule = new URL('./index.ts', import.meta.url).href;
    // Each process waits for the go file, registers its model `perProcess` times, then deploys its own versions
    // in turn `promotions` times: every promote changes the deployed version, so each must reach the history.
    const script = `
      import fs from 'node:fs';
      const { ModelRegistry } = await import(${JSON.stringify(registryModule)});
      const [workspace, model, go, count, promotions] = process.argv.slice(1);
      const bytes = new Uint8Array(fs.readFileSync(model));
      const registry = ModelRegistry.open(workspace);
      fs.writeFileSync(go + '.ready-' + process.pid, '');
      while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 2));
      const versions = [];
      for (let i = 0; i < Number(count); i++) versions.push(registry.register(bytes).version);
      for (let i = 0; i < Number(promotions); i++) registry.promote(versions[i % versions.length]);
      process.stdout.write(JSON.stringify(versions));
    `;
    const children = modelFiles.map(
      (file) =>
        new Promise<number[]>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, workspace, file, go, String(perProcess), String(promotions)], {
            cwd: path.dirname(fileURLToPath(import.meta.url)),
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (chunk) => (out += chunk));
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited with ${code}`))));
        }),
    );
    const ready = () => fs.readdirSync(scratch).filter((name) => name.startsWith('go.ready-')).length;
    while (ready() < 2) await new Promise((r) => setTimeout(r, 10));
    fs.writeFileSync(go, '');
    const [a, b] = await Promise.all(children);
    const all = [...a!, ...b!].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 2 * perProcess }, (_, i) => i + 1));

    const registry = ModelRegistry.open(workspace);
    const expected = new Map([...a!.map((v) => [v, modelFiles[0]!] as const), ...b!.map((v) => [v, modelFiles[1]!] as const)]);
    for (const version of registry.list()) {
      const bytes = fs.readFileSync(expected.get(version.version)!);
      expect(version.sha256).toBe(sha256(bytes));
      expect(sha256(fs.readFileSync(version.file))).toBe(version.sha256);
    }
    expect(registry.history()).toHaveLength(2 * promotions);
    expect(registry.current()?.version).toBe(registry.history().at(-1)?.version);
    expect(fs.readdirSync(models(workspace)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
