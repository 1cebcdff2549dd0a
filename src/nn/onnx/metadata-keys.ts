/**
 * Metadata the writer records itself in every exported model, under the `osteon.` prefix that callers may
 * not use. `osteon.format` marks a file as Osteon's; the others describe the graph serving runs.
 */
export const OSTEON_KEYS = {
  /** Version of this layout of outputs and keys; readers refuse a newer one. */
  format: 'osteon.format',
  arch: 'osteon.arch',
  inputSize: 'osteon.input_size',
  inputChannels: 'osteon.input_channels',
  numClasses: 'osteon.num_classes',
  /**
   * Name of the initializer holding the head's weight, for class activation maps: [numClasses, K] for a
   * linear head, [numClasses, K, 1, 1] for a pointwise-conv head (SqueezeNet).
   */
  headWeight: 'osteon.head_weight',
  /** `linear` (CAM = ReLU(sum_k w_ck A_k)) or `conv2d` (a 1x1 conv applied before pooling; CAM = ReLU(head(A))). */
  headOp: 'osteon.head_op',
  /** `true` when batch norms were folded into the preceding convolutions. */
  batchNormFolded: 'osteon.batchnorm_folded',
} as const;

export const OSTEON_FORMAT_VERSION = 1;
export const RESERVED_PREFIX = 'osteon.';
