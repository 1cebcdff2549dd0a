/**
 * An error meant for a user: a stable machine-readable code and a sentence that says what to do next.
 * The CLI prints `message`; the HTTP API maps `code` to a status.
 */
export class OsteonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OsteonError';
  }
}

export function isOsteonError(e: unknown): e is OsteonError {
  return e instanceof OsteonError;
}
