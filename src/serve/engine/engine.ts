import fs from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { OsteonError, isOsteonError } from '../../errors.js';
import { decodeImage } from '../../imaging/decode.js';
import { mirrorHorizontally } from '../../imaging/mirror.js';
import { preprocess } from '../../imaging/preprocess.js';
import type { DecodedImage } from '../../imaging/types.js';
import { classMap, fitWithin, mapOverImage, mapRows, peakOf } from '../cam.js';
import { camOverlayPng } from '../cam-overlay.js';
import { inputPlacement } from '../placement.js';
import { decideLabel, softmax } from './decision.js';
import { packBatch } from './input-tensor.js';
import type { ModelDescription } from './model-description.js';
import { describeOsteonModel } from './osteon-model.js';
import { describePlainModel, type PlainModelOptions } from './plain-model.js';

export interface EngineOptions {
  /** onnxruntime intra-op threads (default: the machine's core count). */
  threads?: number;
  /** Most images per `session.run` (default 16). */
  batchSize?: number;
  /** Run a classifier Osteon did not export, with these settings instead of the file's metadata. */
  plain?: PlainModelOptions;
  /** Overrides the model's own test-time flip setting (ModelDescription.testTimeFlip). */
  testTimeFlip?: boolean;
}

export interface CamOptions {
  /** The class whose map to draw (default: the predicted class). */
  className?: string;
  /** Longer side of the raw map over the original image (default: the model's input size). */
  maxSide?: number;
  /** Also render the overlay PNG, its longer side at most this (default 1024). */
  overlay?: boolean;
  overlayMaxSide?: number;
}

/** A class activation map over the original image. */
export interface CamResult {
  className: string;
  /** Values in [0, 1], [height][width], covering the whole original image. */
  map: number[][];
  width: number;
  height: number;
  /** Where the map peaks, in the original image's pixels. */
  peak: { x: number; y: number };
  /** The overlay (turbo colours over the radiograph), when asked for. */
  overlayPng?: Uint8Array;
}

export interface Prediction {
  label: string;
  /** With test-time flip, the mean of the image's and its mirror's. */
  probabilities: Record<string, number>;
  threshold: number;
  /** Raw class scores in class order (null when the model outputs only probabilities); with test-time flip, the mean. */
  logits: number[] | null;
  cam?: CamResult;
}

export type FilePrediction = { file: string } & ({ prediction: Prediction } | { error: { code: string; message: string } });

/**
 * Classifies radiographs with onnxruntime: one session per model, reused; images batched up to `batchSize`
 * per run; preprocessing by src/imaging's `preprocess` with the settings the model carries, so a file gets
 * the same probability here as in training's evaluation. With test-time flip (the model's setting, or the
 * caller's), each image is also classified mirrored and the two are averaged, heatmaps included.
 */
export class InferenceEngine {
  readonly batchSize: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly model: ModelDescription,
    batchSize: number,
  ) {
    this.batchSize = model.fixedBatch ?? batchSize;
  }

  /**
   * Opens a model file (or its bytes). Osteon models are checked for their metadata: ONNX_INVALID (not ONNX),
   * ONNX_NOT_OSTEON (no Osteon metadata; pass `plain` settings to run such a model), ONNX_METADATA_MISSING,
   * ONNX_METADATA_INVALID.
   */
  static async load(source: string | Uint8Array, options: EngineOptions = {}): Promise<InferenceEngine> {
    const bytes = typeof source === 'string' ? readModelFile(source) : source;
    const batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new OsteonError('BAD_OPTION', `The batch size must be a positive whole number, got ${batchSize}.`);
    }
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new OsteonError('BAD_OPTION', `The thread count must be a positive whole number, got ${threads}.`);
    }
    const described = options.plain ? null : describeOsteonModel(bytes);
    const session = await createSession(bytes, threads);
    try {
      const model =
        described ??
        describePlainModel(options.plain as PlainModelOptions, {
          inputNames: session.inputNames,
          outputNames: session.outputNames,
          inputDims: (name) => {
            const meta = session.inputMetadata.find((m) => m.name === name);
            return meta?.isTensor ? meta.shape : null;
          },
        });
      if (described) checkOsteonTensors(session, model);
      if (options.testTimeFlip !== undefined) model.testTimeFlip = options.testTimeFlip;
      return new InferenceEngine(session, model, batchSize);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Classifies decoded radiographs, `batchSize` per session run; with `cam`, adds class activation maps. */
  async predictImages(images: DecodedImage[], options: { cam?: CamOptions | boolean } = {}): Promise<Prediction[]> {
    const out: Prediction[] = [];
    for (let start = 0; start < images.length; start += this.batchSize) {
      const chunk = images.slice(start, start + this.batchSize);
      const inputs = await Promise.all(chunk.map((image) => preprocess(image, this.model.spec)));
      out.push(...(await this.predictBatch(inputs, chunk, options.cam)));
    }
    return out;
  }

  /**
   * Classifies images already preprocessed with the model's `spec` (each [size, size, channels] as
   * `preprocess` returns them), `batchSize` per run. No class activation maps (they need the originals).
   */
  async predictPreprocessed(inputs: Float32Array[]): Promise<Prediction[]> {
    const out: Prediction[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      out.push(...(await this.predictBatch(inputs.slice(start, start + this.batchSize))));
    }
    return out;
  }

  /**
   * Reads, decodes (any format `decodeImage` reads, DICOM included) and classifies files. A file that cannot
   * be read or decoded gets an error entry; the others go on. Results are in the order of `files`.
   */
  async predictFiles(files: string[], options: { cam?: CamOptions | boolean } = {}): Promise<FilePrediction[]> {
    const results: FilePrediction[] = [];
    for (let start = 0; start < files.length; start += this.batchSize) {
      const decoded = await Promise.all(files.slice(start, start + this.batchSize).map((file) => decodeFile(file)));
      const good = decoded.filter((d): d is Decoded => 'image' in d);
      const predictions = new Map<Decoded, FilePrediction>();
      try {
        const batch = await this.predictImages(good.map((d) => d.image), options);
        good.forEach((d, i) => predictions.set(d, { file: d.file, prediction: batch[i] as Prediction }));
      } catch {
        // One image that fails past decoding must not sink the others: redo the batch one image at a time.
        for (const d of good) {
          try {
            predictions.set(d, { file: d.file, prediction: (await this.predictImages([d.image], options))[0] as Prediction });
          } catch (error) {
            predictions.set(d, { file: d.file, error: describeError(error) });
          }
        }
      }
      for (const d of decoded) results.push('image' in d ? (predictions.get(d) as FilePrediction) : d);
    }
    return results;
  }

  /** Frees the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }

  private async predictBatch(inputs: Float32Array[], images?: DecodedImage[], cam?: CamOptions | boolean): Promise<Prediction[]> {
    const { model } = this;
    const { size, channels } = model.spec;
    const n = inputs.length;
    if (n === 0) return [];
    const wantCam = Boolean(cam) && images !== undefined && model.featuresOutput !== null && model.camHead !== null;
    const fetches = [...new Set([model.scoresOutput, model.logitsOutput, wantCam ? model.featuresOutput : null])].filter(
      (name): name is string => name !== null,
    );
    const views = [await this.runSession(inputs, fetches)];
    if (model.testTimeFlip) views.push(await this.runSession(inputs.map((x) => mirrorHorizontally(x, size, size, channels)), fetches));
    const classes = model.classes.length;
    const predictions: Prediction[] = [];
    for (let i = 0; i < n; i++) {
      const rows = views.map((outputs) => (outputs[model.scoresOutput]!.data as Float32Array).subarray(i * classes, (i + 1) * classes));
      const probabilities = meanOf(rows.map((row) => (model.scoresAre === 'logits' ? softmax(row) : Array.from(row))));
      const labelIndex = decideLabel(probabilities, model.classes, model.positiveClass, model.threshold);
      const logits = model.logitsOutput
        ? meanOf(views.map((outputs) => Array.from((outputs[model.logitsOutput!]!.data as Float32Array).subarray(i * classes, (i + 1) * classes))))
        : null;
      const prediction: Prediction = {
        label: model.classes[labelIndex] as string,
        probabilities: Object.fromEntries(model.classes.map((c, k) => [c, probabilities[k] as number])),
        threshold: model.threshold,
        logits,
      };
      if (wantCam) {
        const options = typeof cam === 'object' ? cam : {};
        const features = views.map((outputs) => outputs[model.featuresOutput as string] as ort.Tensor);
        prediction.cam = await this.camFor(features, i, (images as DecodedImage[])[i] as DecodedImage, prediction.label, options);
      }
      predictions.push(prediction);
    }
    return predictions;
  }

  /** One session run over a batch of preprocessed images; checks the scores' shape. */
  private async runSession(inputs: Float32Array[], fetches: string[]): Promise<ort.InferenceSession.OnnxValueMapType> {
    const { model } = this;
    const { size, channels } = model.spec;
    const n = inputs.length;
    const data = packBatch(inputs, size, channels, model.layout);
    const dims = model.layout === 'nchw' ? [n, channels, size, size] : [n, size, size, channels];
    const outputs = await this.session.run({ [model.inputName]: new ort.Tensor('float32', data, dims) }, fetches);
    const scores = outputs[model.scoresOutput] as ort.Tensor;
    const classes = model.classes.length;
    if (scores.dims.length !== 2 || scores.dims[0] !== n || scores.dims[1] !== classes) {
      throw new OsteonError(
        'MODEL_OUTPUT_MISMATCH',
        `The model's output "${model.scoresOutput}" has shape [${scores.dims.join(', ')}], expected [${n}, ${classes}] for ` +
          `${classes} classes; check the output name and the class list.`,
      );
    }
    return outputs;
  }

  /** `features`: the feature maps of each view, the mirrored view's (test-time flip) second; their maps are averaged. */
  private async camFor(features: ort.Tensor[], index: number, image: DecodedImage, label: string, options: CamOptions): Promise<CamResult> {
    const { model } = this;
    const className = options.className ?? label;
    const classIndex = model.classes.indexOf(className);
    if (classIndex < 0) {
      throw new OsteonError('UNKNOWN_CLASS', `No class "${className}" in this model; its classes are ${model.classes.join(', ')}.`);
    }
    const maps = features.map((view, v) => {
      const [, channels, height, width] = view.dims as [number, number, number, number];
      const plane = channels * height * width;
      const data = (view.data as Float32Array).subarray(index * plane, (index + 1) * plane);
      const map = classMap({ data, channels, height, width }, model.camHead!, classIndex);
      // The mirrored view's map, mirrored back, lies over the image the same way round.
      return v === 0 ? map : { ...map, values: mirrorHorizontally(map.values, height, width, 1) };
    });
    const coarse = { ...maps[0]!, values: Float32Array.from(meanOf(maps.map((m) => m.values))) };
    const placement = inputPlacement(image.width, image.height, model.spec);
    const rawSize = fitWithin(image.width, image.height, options.maxSide ?? model.spec.size);
    const raw = mapOverImage(coarse, model.spec.size, placement, rawSize.width, rawSize.height);
    const result: CamResult = {
      className,
      map: mapRows(raw),
      width: raw.width,
      height: raw.height,
      peak: peakOf(raw, image.width, image.height),
    };
    if (options.overlay) {
      const overlaySize = fitWithin(image.width, image.height, options.overlayMaxSide ?? 1024);
      const fine = mapOverImage(coarse, model.spec.size, placement, overlaySize.width, overlaySize.height);
      result.overlayPng = await camOverlayPng(image, fine);
    }
    return result;
  }
}

/** An Osteon model's graph must have the tensors its metadata promises. */
function checkOsteonTensors(session: ort.InferenceSession, model: ModelDescription): void {
  const missing = [
    ...[model.inputName].filter((name) => !session.inputNames.includes(name)),
    ...[model.scoresOutput, model.logitsOutput, model.featuresOutput].filter(
      (name): name is string => name !== null && !session.outputNames.includes(name),
    ),
  ];
  if (missing.length > 0) {
    throw new OsteonError(
      'ONNX_METADATA_INVALID',
      `The model lacks the tensor(s) ${missing.join(', ')} that Osteon models have. Export the model again with \`osteon export\`.`,
    );
  }
}

function readModelFile(file: string): Uint8Array {
  try {
    const buffer = fs.readFileSync(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new OsteonError('MODEL_NOT_FOUND', `Cannot read the model ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path.`);
  }
}

async function createSession(bytes: Uint8Array, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new OsteonError(
      'ONNX_INVALID',
      `onnxruntime cannot load the model (${(error as Error).message.split('\n')[0]}). Check that the file is a complete ONNX model.`,
    );
  }
}

type Decoded = { file: string; image: DecodedImage };

async function decodeFile(file: string): Promise<Decoded | { file: string; error: { code: string; message: string } }> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `No such file: ${file}; check the path.` : `Cannot read ${file} (${code ?? (error as Error).message}).`;
    return { file, error: { code: code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', message } };
  }
  try {
    return { file, image: await decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
  } catch (error) {
    return { file, error: describeError(error) };
  }
}

function describeError(error: unknown): { code: string; message: string } {
  if (isOsteonError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** The element-wise mean of equally long rows. */
function meanOf(rows: ArrayLike<number>[]): number[] {
  const out = Array.from(rows[0]!, () => 0);
  for (const row of rows) for (let k = 0; k < out.length; k++) out[k]! += row[k]! / rows.length;
  return out;
}
