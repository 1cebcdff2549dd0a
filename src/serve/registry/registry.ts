import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OsteonError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { workspacePaths } from '../../util/workspace.js';
import { describeOsteonModel } from '../engine/osteon-model.js';
import { deployedStack, readPointer, writePointer } from './deployment.js';
import { withFolderLock } from './folder-lock.js';
import { INCOMING_PREFIX, LOCK_DIR, MODEL_FILE, POINTER_FILE, RECORD_FILE, versionDirName, versionOfDirName, versionPaths } from './layout.js';
import type { DeploymentEvent, ModelVersion, VersionRecord } from './model-version.js';

/** Folders being filled by a process that died are removed once this old; a live register takes seconds. */
const STALE_INCOMING_MS = 60 * 60 * 1000;

/**
 * The numbered, immutable model versions of a workspace and which one is deployed (src/serve/registry/README.md).
 * Several processes may share one registry: a version becomes visible only once complete (its folder is filled
 * under a hidden name, then renamed to its number, and the rename fails when another process took that number),
 * and the deployment pointer is replaced atomically under a lock.
 */
export class ModelRegistry {
  /** Records never change once written, so one read per version is enough. */
  private readonly records = new Map<number, ModelVersion>();

  private constructor(readonly dir: string) {}

  /** The registry of a workspace (its `models/` folder, created at the first registration). */
  static open(workspaceRoot: string): ModelRegistry {
    return new ModelRegistry(path.resolve(workspacePaths(workspaceRoot).models));
  }

  /**
   * Adds an Osteon ONNX model as the next version, not yet deployed. Classes, threshold, architecture and input
   * size come from the model's metadata; a file without it is refused (ONNX_INVALID, ONNX_NOT_OSTEON,
   * ONNX_METADATA_MISSING, ONNX_METADATA_INVALID, ONNX_FORMAT_TOO_NEW).
   */
  register(onnx: Uint8Array, info: { runId?: string | null; note?: string | null } = {}): ModelVersion {
    const model = describeOsteonModel(onnx);
    const fields: Omit<VersionRecord, 'version'> = {
      runId: info.runId !== undefined ? info.runId : model.runId,
      arch: model.arch,
      classes: model.classes,
      threshold: model.threshold,
      inputSize: model.spec.size,
      sha256: crypto.createHash('sha256').update(onnx).digest('hex'),
      bytes: onnx.length,
      createdAt: new Date().toISOString(),
      note: info.note ?? null,
    };
    fs.mkdirSync(this.dir, { recursive: true });
    this.removeStaleIncoming();
    const incoming = path.join(this.dir, `${INCOMING_PREFIX}${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
    fs.mkdirSync(incoming);
    try {
      writeFileAtomic(path.join(incoming, MODEL_FILE), onnx);
      for (let tried = 0; ; ) {
        const version = Math.max(this.highestVersion(), tried) + 1;
        const record: VersionRecord = { version, ...fields };
        writeFileAtomic(path.join(incoming, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
        if (this.claim(incoming, version)) return this.remember(record);
        tried = version;
      }
    } finally {
      fs.rmSync(incoming, { recursive: true, force: true });
    }
  }

  /** Every complete version, oldest first. */
  list(): ModelVersion[] {
    return this.versionNumbers()
      .sort((a, b) => a - b)
      .flatMap((version) => {
        try {
          return [this.get(version)];
        } catch (error) {
          // A version folder changed by hand: list the others rather than none.
          if (error instanceof OsteonError) return [];
          throw error;
        }
      });
  }

  /** One version's record. MODEL_VERSION_NOT_FOUND when there is no such version. */
  get(version: number): ModelVersion {
    const cached = this.records.get(version);
    if (cached) return copyOf(cached);
    const paths = versionPaths(this.dir, version);
    let text: string;
    try {
      text = fs.readFileSync(paths.record, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new OsteonError('MODEL_VERSION_NOT_FOUND', `There is no model version ${version}. List the versions with \`osteon versions\`.`);
    }
    let record: VersionRecord;
    try {
      record = JSON.parse(text) as VersionRecord;
    } catch {
      record = {} as VersionRecord;
    }
    if (record.version !== version || typeof record.sha256 !== 'string' || !Array.isArray(record.classes)) {
      throw new OsteonError(
        'MODEL_VERSION_INVALID',
        `The record ${paths.record} is damaged. Register the model again with \`osteon deploy --run RUN\`.`,
      );
    }
    return this.remember(record);
  }

  /** The deployed version, or null before the first promote. */
  current(): ModelVersion | null {
    const { current } = readPointer(this.pointerFile);
    return current === null ? null : this.get(current);
  }

  /** Deploys a version (kept as it is when it already is the deployed one). */
  promote(version: number): ModelVersion {
    const target = this.get(version);
    this.changePointer((history) => {
      if (deployedStack(history).at(-1) === version) return null;
      return { version, at: new Date().toISOString(), action: 'promote' };
    });
    return target;
  }

  /** Deploys again the version that was deployed before the current one. NO_PREVIOUS_VERSION when none was. */
  rollback(): ModelVersion {
    previousDeployment(readPointer(this.pointerFile).history); // before taking the lock, which creates models/
    const event = this.changePointer((history) => {
      const previous = previousDeployment(history);
      this.get(previous); // refuses a version whose folder is gone before the pointer names it
      return { version: previous, at: new Date().toISOString(), action: 'rollback' };
    });
    return this.get((event as DeploymentEvent).version);
  }

  /** Every change of the deployed version, oldest first. */
  history(): DeploymentEvent[] {
    return readPointer(this.pointerFile).history.map((event) => ({ ...event }));
  }

  /**
   * Changes whenever the deployed version changes, also when another process changed it: the pointer is
   * replaced by a rename, so its inode and modification time change. One stat.
   */
  currentStamp(): string {
    try {
      const stat = fs.statSync(this.pointerFile, { bigint: true });
      return `${stat.ino}-${stat.mtimeNs}-${stat.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
      throw error;
    }
  }

  private get pointerFile(): string {
    return path.join(this.dir, POINTER_FILE);
  }

  /** Appends the event `decide` returns (null: no change) to the history, one process at a time; returns it. */
  private changePointer(decide: (history: DeploymentEvent[]) => DeploymentEvent | null): DeploymentEvent | null {
    fs.mkdirSync(this.dir, { recursive: true });
    return withFolderLock(path.join(this.dir, LOCK_DIR), () => {
      const { history } = readPointer(this.pointerFile);
      const event = decide(history);
      if (event) writePointer(this.pointerFile, [...history, event]);
      return event;
    });
  }

  /** Renames a filled folder to its version's name; false when that number is taken already. */
  private claim(incoming: string, version: number): boolean {
    try {
      // rename(2) refuses a non-empty target, and a version folder is never empty: the first process wins.
      fs.renameSync(incoming, path.join(this.dir, versionDirName(version)));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw error;
    }
    fsyncFolder(this.dir);
    return true;
  }

  /** Numbers go up from the highest ever seen, on disk or in the history, so none is handed out twice. */
  private highestVersion(): number {
    const seen = [...this.versionNumbers(), ...readPointer(this.pointerFile).history.map((e) => e.version)];
    return Math.max(0, ...seen);
  }

  private versionNumbers(): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.map(versionOfDirName).filter((v): v is number => v !== null);
  }

  private remember(record: VersionRecord): ModelVersion {
    const version: ModelVersion = { ...record, file: versionPaths(this.dir, record.version).model };
    this.records.set(record.version, version);
    return copyOf(version);
  }

  private removeStaleIncoming(): void {
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.startsWith(INCOMING_PREFIX)) continue;
      const folder = path.join(this.dir, name);
      try {
        if (Date.now() - fs.statSync(folder).mtimeMs > STALE_INCOMING_MS) fs.rmSync(folder, { recursive: true, force: true });
      } catch {
        // Another process finished or removed it meanwhile.
      }
    }
  }
}

/** The version a rollback returns to; NO_PREVIOUS_VERSION when there is none. */
function previousDeployment(history: DeploymentEvent[]): number {
  const stack = deployedStack(history);
  const previous = stack.at(-2);
  if (previous === undefined) {
    throw new OsteonError(
      'NO_PREVIOUS_VERSION',
      stack.length === 0
        ? 'No model version has been deployed yet, so there is nothing to roll back. Deploy one with `osteon versions promote V`.'
        : `Version ${stack[0]} is the first one deployed; there is no earlier version to roll back to. Promote another with \`osteon versions promote V\`.`,
    );
  }
  return previous;
}

/** Callers get their own copy: the cached record must not change under the next caller. */
function copyOf(version: ModelVersion): ModelVersion {
  return { ...version, classes: [...version.classes] };
}

function fsyncFolder(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
