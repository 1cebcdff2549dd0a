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
  /** Name of the initializer holding the linear head's weight [numClasses, K], for class activation maps. */
  headWeight: 'osteon.head_weight',
  /** `true` when batch norms were folded into the preceding convolutions. */
  batchNormFolded: 'osteon.batchnorm_folded',
} as const;

export const OSTEON_FORMAT_VERSION = 1;
export const RESERVED_PREFIX = 'osteon.';
