import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OsteonError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * ImageNet weights that torchvision publishes, by architecture (torchvision 0.14's IMAGENET1K_V1 files). The
 * hex part of each name is the start of the file's SHA-256, which `pullWeights` verifies.
 */
export const TORCHVISION_WEIGHTS: Record<string, string> = {
  mobilenet_v2: 'mobilenet_v2-b0353104.pth',
  resnet18: 'resnet18-f37072fd.pth',
  resnet50: 'resnet50-0676ba61.pth',
  squeezenet1_1: 'squeezenet1_1-b8a52dc0.pth',
  efficientnet_b0: 'efficientnet_b0_rwightman-3dd342df.pth',
  efficientnet_b1: 'efficientnet_b1_rwightman-533bc792.pth',
  densenet121: 'densenet121-a639ec97.pth',
  inception_v3: 'inception_v3_google-0cc3c7bd.pth',
  googlenet: 'googlenet-1378be20.pth',
};

export const TORCHVISION_BASE_URL = 'https://download.pytorch.org/models/';

export interface PullOptions {
  /** Folder of cached weights (default `<workspace>/weights`). */
  dir: string;
  baseUrl?: string;
  catalog?: Record<string, string>;
  /** Give up connecting after this long (default 15 s). */
  timeoutMs?: number;
}

function hashPrefix(fileName: string): string {
  const match = /-([0-9a-f]{8,})\.pth$/.exec(fileName);
  if (!match) throw new Error(`weights file name "${fileName}" carries no hash prefix`);
  return match[1]!;
}

/** Where the weights of an architecture live once pulled (or put there by hand). */
export function weightsPath(arch: string, dir: string, catalog = TORCHVISION_WEIGHTS): string {
  const file = catalog[arch];
  if (!file) {
    throw new OsteonError('NO_PRETRAINED_WEIGHTS', `No published ImageNet weights are known for "${arch}". Known: ${Object.keys(catalog).join(', ')}.`);
  }
  return path.join(dir, file);
}

function verify(file: string, bytes: Uint8Array): void {
  const digest = crypto.createHash('sha256').update(bytes).digest('hex');
  const prefix = hashPrefix(path.basename(file));
  if (!digest.startsWith(prefix)) {
    throw new OsteonError('WEIGHTS_HASH_MISMATCH',
      `${path.basename(file)} has SHA-256 ${digest.slice(0, 16)}…, but its name promises ${prefix}…: the download is corrupt or not the published file.`);
  }
}

/** Downloads (or finds cached) ImageNet weights for an architecture and verifies their hash. Returns the path. */
export async function pullWeights(arch: string, options: PullOptions): Promise<{ file: string; cached: boolean }> {
  const catalog = options.catalog ?? TORCHVISION_WEIGHTS;
  const file = weightsPath(arch, options.dir, catalog);
  if (fs.existsSync(file)) {
    verify(file, fs.readFileSync(file));
    return { file, cached: true };
  }
  const url = `${options.baseUrl ?? TORCHVISION_BASE_URL}${catalog[arch]}`;
  let bytes: Uint8Array;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const reason = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new OsteonError('WEIGHTS_UNREACHABLE',
      `Cannot download ${url} (${reason}). On a machine without internet access, download that file elsewhere and ` +
      `put it at ${file}; Osteon verifies its hash and uses it from there.`);
  }
  verify(file, bytes);
  writeFileAtomic(file, bytes);
  return { file, cached: false };
}
