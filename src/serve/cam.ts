import type { CamHead } from './engine/model-description.js';
import type { Placement } from './placement.js';

/** One image's feature map, [channels, height, width] row-major, as the model's `features` output holds it. */
export interface FeatureMap {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/** A map over an image: row-major values, `values[y * width + x]`. */
export interface ImageMap {
  width: number;
  height: number;
  values: Float32Array;
}

/**
 * The class activation map of one class at the feature map's resolution (CAM, Zhou et al. 2016; equal to
 * Grad-CAM for a global-average-pooled linear head): ReLU(sum_k w[c,k] * A_k). For a 1x1-conv head applied
 * before pooling (SqueezeNet) the map is the head's own output ReLU(sum_k w[c,k] * A_k + b_c), whose spatial
 * mean is the logit.
 */
export function classMap(features: FeatureMap, head: CamHead, classIndex: number): ImageMap {
  const { channels, height, width, data } = features;
  if (head.channels !== channels) {
    throw new Error(`the head weighs ${head.channels} channels but the feature map has ${channels}`);
  }
  if (!(classIndex >= 0 && classIndex < head.classes)) throw new Error(`class index ${classIndex} is outside 0..${head.classes - 1}`);
  const plane = height * width;
  const values = new Float32Array(plane);
  const bias = head.op === 'conv2d' ? (head.bias?.[classIndex] ?? 0) : 0;
  values.fill(bias);
  for (let k = 0; k < channels; k++) {
    const w = head.weight[classIndex * channels + k]!;
    if (w === 0) continue;
    const offset = k * plane;
    for (let i = 0; i < plane; i++) values[i] = values[i]! + w * data[offset + i]!;
  }
  for (let i = 0; i < plane; i++) if (!(values[i]! > 0)) values[i] = 0;
  return { width, height, values };
}

/**
 * Lays a map computed over the square network input (`inputSize` pixels, the map at any resolution) back over
 * the original image: bilinear upsampling as PyTorch's `interpolate(align_corners=False)`, composed with the
 * inverse of the resize (`placement`: where the original image lies in the input), sampled at
 * `outWidth x outHeight` pixels covering the original image. Parts of the image that were cut away (centre
 * crop) get 0. Normalised to [0, 1] by the maximum; an all-zero map stays zero.
 */
export function mapOverImage(map: ImageMap, inputSize: number, placement: Placement, outWidth: number, outHeight: number): ImageMap {
  const out = new Float32Array(outWidth * outHeight);
  const { width: w, height: h, values } = map;
  const xScale = w / inputSize;
  const yScale = h / inputSize;
  let max = 0;
  for (let y = 0; y < outHeight; y++) {
    const v = placement.top + ((y + 0.5) * placement.height) / outHeight;
    if (v < 0 || v >= inputSize) continue;
    const fy = clamp(v * yScale - 0.5, 0, h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ay = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const u = placement.left + ((x + 0.5) * placement.width) / outWidth;
      if (u < 0 || u >= inputSize) continue;
      const fx = clamp(u * xScale - 0.5, 0, w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const ax = fx - x0;
      const top = values[y0 * w + x0]! * (1 - ax) + values[y0 * w + x1]! * ax;
      const bottom = values[y1 * w + x0]! * (1 - ax) + values[y1 * w + x1]! * ax;
      const value = top * (1 - ay) + bottom * ay;
      out[y * outWidth + x] = value;
      if (value > max) max = value;
    }
  }
  if (max > 0) for (let i = 0; i < out.length; i++) out[i]! /= max;
  return { width: outWidth, height: outHeight, values: out };
}

/** The size of a map over a width x height image whose longer side is at most `maxSide` pixels. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The pixel of the original image (width x height) where the map peaks. */
export function peakOf(map: ImageMap, imageWidth: number, imageHeight: number): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < map.values.length; i++) if (map.values[i]! > map.values[best]!) best = i;
  const mx = best % map.width;
  const my = Math.floor(best / map.width);
  return {
    x: Math.min(imageWidth - 1, Math.floor(((mx + 0.5) * imageWidth) / map.width)),
    y: Math.min(imageHeight - 1, Math.floor(((my + 0.5) * imageHeight) / map.height)),
  };
}

/** Rows of a map as plain numbers, [height][width], for JSON. */
export function mapRows(map: ImageMap, digits = 4): number[][] {
  const factor = 10 ** digits;
  return Array.from({ length: map.height }, (_, y) =>
    Array.from(map.values.subarray(y * map.width, (y + 1) * map.width), (v) => Math.round(v * factor) / factor),
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
