import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isOsteonError, OsteonError } from '../errors.js';

/** The HTTP status of each error code the API answers with; other OsteonError codes are the client's (400). */
const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MODEL_VERSION_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  NO_PREVIOUS_VERSION: 409,
  RUN_NOT_RESUMABLE: 409,
  RUN_IN_PROGRESS: 409,
  BODY_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSUPPORTED_FORMAT: 415,
  UNREADABLE_IMAGE: 415,
  TRUNCATED_IMAGE: 415,
  DICOM_NO_PIXEL_DATA: 415,
  UNSUPPORTED_TRANSFER_SYNTAX: 415,
  TOO_MANY_PIXELS: 422,
  RATE_LIMITED: 429,
  NO_MODEL_DEPLOYED: 503,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,
};

export function statusOfCode(code: string): number {
  const known = STATUS_OF_CODE[code];
  if (known !== undefined) return known;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (/(_EXISTS|_RUNNING|_BUSY)$/.test(code)) return 409;
  return code.startsWith('ONNX_') || code.startsWith('MODEL_') ? 500 : 400;
}

/** Fastify's and its plugins' own errors, by their codes, as the API's codes. */
function fromFastifyError(error: FastifyError): OsteonError | null {
  const status = error.statusCode ?? 500;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new OsteonError('BODY_TOO_LARGE', `The request is too large (${error.message}); send a smaller image or fewer files.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new OsteonError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Unsupported content type; send the image as multipart/form-data field "file" or as a raw image/* or application/dicom body.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_VALIDATION':
      return new OsteonError('BAD_REQUEST', `${error.message}; check the request against /openapi.json.`);
  }
  if (status === 404) return new OsteonError('NOT_FOUND', `${error.message}; see /docs for the routes.`);
  if (status === 413) return new OsteonError('BODY_TOO_LARGE', `The request is too large (${error.message}).`);
  if (status === 415) return new OsteonError('UNSUPPORTED_MEDIA_TYPE', `Unsupported media type (${error.message}).`);
  if (status >= 400 && status < 500) return new OsteonError('BAD_REQUEST', `${error.message}; check the request against /openapi.json.`);
  return null;
}

/** Turns any thrown error into `{error: {code, message}}` with the code's status; details of 500s stay in the log. */
export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = isOsteonError(error) ? error : fromFastifyError(error as FastifyError);
  if (!known) {
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'The server failed on this request; its log has the details.' } });
  }
  const status = statusOfCode(known.code);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  const retryAfter = known.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.status(status).send({ error: { code: known.code, message: known.message } });
}
