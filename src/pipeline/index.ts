/** The training data pipeline: tensor cache, augmentation and the batch loader. */
export * from './types.js';
export { createBatchLoader, usableImages } from './loader.js';
export { refreshTensorCache, cacheFileFor, type CacheBuildOptions, type CacheBuildReport, type SkippedImage } from './cache/build.js';
export { TensorCacheReader, type CachedPlane } from './cache/reader.js';
export { CROP_MARGIN, marginSizeFor } from './cache/format.js';
export { DEFAULT_AUGMENT, NO_AUGMENT, resolveAugment, validateAugment, augmentPlane, drawView } from './augment/index.js';
export { renderBatch, type SampleRequest } from './render.js';
export { writeAugmentPreview, type AugmentPreviewOptions, type AugmentPreviewResult } from './preview/augment-preview.js';
