import { InferenceEngine } from '../../serve/engine/index.js';
import type { ModelVersion } from '../../serve/registry/index.js';

/** Engines kept loaded at once; versions are immutable, so an engine stays valid for its version's life. */
const MAX_LOADED = 3;

/** onnxruntime sessions of registry versions for the deploy page's try-out, loaded on first use. */
export class VersionEngines {
  private readonly loaded = new Map<number, Promise<InferenceEngine>>();

  get(version: ModelVersion): Promise<InferenceEngine> {
    let engine = this.loaded.get(version.version);
    if (!engine) {
      engine = InferenceEngine.load(version.file);
      engine.catch(() => this.loaded.delete(version.version));
      this.loaded.set(version.version, engine);
      if (this.loaded.size > MAX_LOADED) {
        const [oldest, evicted] = this.loaded.entries().next().value!;
        this.loaded.delete(oldest);
        void evicted.then((e) => e.release()).catch(() => undefined);
      }
    }
    return engine;
  }

  async close(): Promise<void> {
    const engines = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(engines.map((e) => e.then((x) => x.release()).catch(() => undefined)));
  }
}
