// Serving: the onnxruntime engine, class activation maps and the prediction report the CLI and the API share.
export * from './engine/index.js';
export { classMap, mapOverImage, mapRows, peakOf, fitWithin, type FeatureMap, type ImageMap } from './cam.js';
export { camOverlayPng, turbo } from './cam-overlay.js';
export { inputPlacement, type Placement } from './placement.js';
export { predictReport, type PredictReportEntry, type PredictReportOptions } from './predict-report.js';
