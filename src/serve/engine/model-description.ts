import type { PreprocessSpec } from '../../imaging/types.js';

/** The weights that turn the feature map into class maps; absent for models that do not expose features. */
export interface CamHead {
  /** `linear`: weight [classes, K]; `conv2d`: a 1x1 conv, weight [classes, K, 1, 1], applied before pooling. */
  op: 'linear' | 'conv2d';
  weight: Float32Array;
  /** The 1x1 conv's bias, part of its class map; unused for a linear head (a constant shift before the ReLU). */
  bias?: Float32Array;
  classes: number;
  channels: number;
}

/** Everything the engine needs to run one model: where tensors go and how images become inputs. */
export interface ModelDescription {
  /** `osteon` for models exported by Osteon; `plain` for other classifiers run with caller-given settings. */
  kind: 'osteon' | 'plain';
  arch: string | null;
  runId: string | null;
  osteonVersion: string | null;
  /** The preprocessing handed to src/imaging's `preprocess`, mean/std already in the model's channel order. */
  spec: PreprocessSpec;
  classes: string[];
  positiveClass: string;
  threshold: number;
  inputName: string;
  /** Memory order of the input tensor: NCHW (PyTorch, Osteon) or NHWC (Keras, TensorFlow). */
  layout: 'nchw' | 'nhwc';
  /** Output holding class scores, and whether they still need a softmax. */
  scoresOutput: string;
  scoresAre: 'logits' | 'probabilities';
  /** Output holding the logits when the model has one (reported as they are). */
  logitsOutput: string | null;
  /** Output holding the feature map [N, K, h, w] for class activation maps, when the model has one. */
  featuresOutput: string | null;
  camHead: CamHead | null;
  /** A fixed batch dimension of the model's input, when it has one (e.g. 1 for many exported models). */
  fixedBatch: number | null;
  /** Average each image's probabilities with its left-right mirror's (test-time augmentation). */
  testTimeFlip: boolean;
}
