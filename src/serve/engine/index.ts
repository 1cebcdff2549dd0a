// The onnxruntime inference engine: Osteon models (self-describing) and plain classifiers from elsewhere.
export { InferenceEngine, type CamOptions, type CamResult, type EngineOptions, type FilePrediction, type Prediction } from './engine.js';
export type { CamHead, ModelDescription } from './model-description.js';
export type { PlainModelOptions } from './plain-model.js';
export { decideLabel, softmax } from './decision.js';
