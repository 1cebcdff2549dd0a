import { OsteonError } from '../errors.js';
import { decodeImage } from '../imaging/decode.js';
import { preprocess } from '../imaging/preprocess.js';
import type { DecodedImage } from '../imaging/types.js';
import type { ModelHolder } from './served-model.js';

/** What the API answers for one image. */
export interface ApiPrediction {
  label: string;
  probabilities: Record<string, number>;
  threshold: number;
  modelVersion: number;
  /** Whether the probabilities average the image and its left-right mirror (the model's test-time flip). */
  testTimeFlip: boolean;
  heatmap?: { className: string; peak: { x: number; y: number }; width: number; height: number; png: string };
  timingsMs: { decode: number; preprocess: number; queue: number; inference: number; heatmap?: number; total: number };
  /** Images in the engine run this one shared. */
  batchSize: number;
}

export interface PredictSettings {
  maxPixels: number;
  heatmap: boolean;
}

export function noModelDeployed(): OsteonError {
  return new OsteonError(
    'NO_MODEL_DEPLOYED',
    'No model is deployed yet; deploy one with `osteon deploy --run RUN` (or promote a version), then retry.',
  );
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Classifies one uploaded image with the deployed model: decode (the pixel limit checked from the header,
 * before any pixel is decoded), the model's own preprocessing, then the micro-batcher, which runs it with
 * other requests' images. The probabilities are the engine's, as `osteon predict` prints them. With
 * `heatmap`, the predicted class's activation map is drawn over the image as a PNG.
 */
export async function predictUpload(holder: ModelHolder, bytes: Uint8Array, settings: PredictSettings): Promise<ApiPrediction> {
  const start = performance.now();
  const lease = holder.acquire();
  if (!lease) throw noModelDeployed();
  try {
    const { engine, version, batcher } = lease.model;
    // Announced before decoding, so a batch forming now waits for this image rather than running without it.
    const arrival = batcher.arrive();
    let image: DecodedImage;
    let input: Float32Array;
    let decoded: number;
    try {
      image = await decodeImage(bytes, { maxPixels: settings.maxPixels });
      decoded = performance.now();
      input = await preprocess(image, engine.model.spec);
    } catch (error) {
      arrival.cancel();
      throw error;
    }
    const preprocessed = performance.now();
    const { output: prediction, queueMs, runMs, batchSize } = await arrival.submit(input);
    const result: ApiPrediction = {
      label: prediction.label,
      probabilities: prediction.probabilities,
      threshold: prediction.threshold,
      modelVersion: version.version,
      testTimeFlip: engine.model.testTimeFlip,
      timingsMs: {
        decode: round(decoded - start),
        preprocess: round(preprocessed - decoded),
        queue: round(queueMs),
        inference: round(runMs),
        total: 0,
      },
      batchSize,
    };
    if (settings.heatmap && engine.model.camHead) {
      const camStart = performance.now();
      const [withCam] = await engine.predictImages([image], { cam: { overlay: true, className: prediction.label } });
      const cam = withCam?.cam;
      if (cam?.overlayPng) {
        result.heatmap = { className: cam.className, peak: cam.peak, width: image.width, height: image.height, png: Buffer.from(cam.overlayPng).toString('base64') };
      }
      result.timingsMs.heatmap = round(performance.now() - camStart);
    }
    result.timingsMs.total = round(performance.now() - start);
    return result;
  } finally {
    lease.done();
  }
}
