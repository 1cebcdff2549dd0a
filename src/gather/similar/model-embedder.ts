import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { OsteonError } from '../../errors.js';
import { preprocess } from '../../imaging/preprocess.js';
import type { DecodedImage } from '../../imaging/types.js';
import { packBatch } from '../../serve/engine/input-tensor.js';
import type { ModelDescription } from '../../serve/engine/model-description.js';
import { describeOsteonModel } from '../../serve/engine/osteon-model.js';
import { normalise, type ImageEmbedder } from './embedder.js';
import { flipHorizontal } from './flip.js';

/**
 * The penultimate layer of a trained Osteon model as an embedding: the `features` output (the feature map
 * the classifier's head weighs) averaged over space, which is exactly what the head sees. Each image is run
 * with its mirror image and the two vectors averaged, so an image and its flipped copy embed identically.
 */
export class ModelEmbedder implements ImageEmbedder {
  private constructor(
    readonly id: string,
    private readonly session: ort.InferenceSession,
    private readonly model: ModelDescription,
    private readonly batchSize: number,
  ) {}

  /**
   * Opens an ONNX model exported by Osteon (`osteon export`). Throws MODEL_NOT_FOUND, the engine's ONNX_*
   * errors for files that are not Osteon models, and MODEL_HAS_NO_FEATURES for one without a `features` output.
   */
  static async load(source: string | Uint8Array, options: { threads?: number; batchSize?: number } = {}): Promise<ModelEmbedder> {
    let bytes: Uint8Array;
    if (typeof source === 'string') {
      try {
        bytes = fs.readFileSync(source);
      } catch (error) {
        throw new OsteonError('MODEL_NOT_FOUND', `Cannot read the model ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path.`);
      }
    } else bytes = source;
    const model = describeOsteonModel(bytes);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? os.availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    if (!model.featuresOutput || !session.outputNames.includes(model.featuresOutput)) {
      await session.release();
      throw new OsteonError('MODEL_HAS_NO_FEATURES', 'This model has no `features` output to embed images with: export it again with `osteon export`.');
    }
    const id = `model:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
    return new ModelEmbedder(id, session, model, model.fixedBatch ?? options.batchSize ?? 8);
  }

  async embed(images: readonly DecodedImage[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    // Each image goes in with its mirror image, so a batch holds half as many images.
    const perRun = Math.max(1, Math.floor(this.batchSize / 2));
    for (let start = 0; start < images.length; start += perRun) {
      const chunk = images.slice(start, start + perRun);
      const pooled = await this.pooledFeatures(chunk.flatMap((image) => [image, flipHorizontal(image)]));
      for (let i = 0; i < chunk.length; i++) {
        const a = pooled[2 * i]!;
        const b = pooled[2 * i + 1]!;
        out.push(normalise(a.map((v, k) => (v + b[k]!) / 2)));
      }
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** The features output averaged over its spatial dimensions: one [K] vector per image. */
  private async pooledFeatures(images: DecodedImage[]): Promise<Float32Array[]> {
    const { spec, layout, inputName } = this.model;
    const inputs = await Promise.all(images.map((image) => preprocess(image, spec)));
    const n = inputs.length;
    const dims = layout === 'nchw' ? [n, spec.channels, spec.size, spec.size] : [n, spec.size, spec.size, spec.channels];
    const data = packBatch(inputs, spec.size, spec.channels, layout);
    const name = this.model.featuresOutput!;
    const outputs = await this.session.run({ [inputName]: new ort.Tensor('float32', data, dims) }, [name]);
    const features = outputs[name] as ort.Tensor;
    const [batch, channels, ...spatial] = features.dims as number[];
    if (batch !== n || channels === undefined) {
      throw new OsteonError('MODEL_OUTPUT_MISMATCH', `The model's features have shape [${features.dims.join(', ')}], expected [${n}, K, h, w]; export it again.`);
    }
    const plane = spatial.reduce((p, d) => p * d, 1);
    const values = features.data as Float32Array;
    return Array.from({ length: n }, (_, i) => {
      const vector = new Float32Array(channels);
      for (let c = 0; c < channels; c++) {
        const base = (i * channels + c) * plane;
        let sum = 0;
        for (let j = 0; j < plane; j++) sum += values[base + j]!;
        vector[c] = sum / plane;
      }
      return vector;
    });
  }
}
