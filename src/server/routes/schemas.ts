// JSON schemas of the API's answers: they document the API in /openapi.json and serialise replies.

export const errorSchema = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] },
  },
} as const;

const timings = {
  type: 'object',
  description: 'Milliseconds spent in each step; queue is the wait for a batch, inference the batch run.',
  properties: {
    decode: { type: 'number' },
    preprocess: { type: 'number' },
    queue: { type: 'number' },
    inference: { type: 'number' },
    heatmap: { type: 'number' },
    total: { type: 'number' },
  },
} as const;

export const predictionSchema = {
  type: 'object',
  properties: {
    label: { type: 'string' },
    probabilities: { type: 'object', additionalProperties: { type: 'number' }, description: 'class name to probability' },
    threshold: { type: 'number', description: 'decision threshold on the positive class' },
    modelVersion: { type: 'integer' },
    testTimeFlip: { type: 'boolean', description: 'the probabilities average the image and its left-right mirror (set when the model was trained)' },
    heatmap: {
      type: 'object',
      description: 'with ?heatmap=1: class activation overlay (PNG, base64) and its peak in the original image\'s pixels',
      properties: {
        className: { type: 'string' },
        peak: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
        width: { type: 'integer' },
        height: { type: 'integer' },
        png: { type: 'string', contentEncoding: 'base64' },
      },
    },
    timingsMs: timings,
    batchSize: { type: 'integer', description: 'images in the engine run this one shared' },
  },
} as const;

export const versionSchema = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    runId: { type: ['string', 'null'] },
    arch: { type: ['string', 'null'] },
    classes: { type: 'array', items: { type: 'string' } },
    threshold: { type: 'number' },
    inputSize: { type: 'integer' },
    sha256: { type: 'string' },
    bytes: { type: 'integer' },
    createdAt: { type: 'string' },
    note: { type: ['string', 'null'] },
  },
} as const;

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  413: errorSchema,
  415: errorSchema,
  422: errorSchema,
  429: errorSchema,
  503: errorSchema,
} as const;
