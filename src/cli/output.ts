import { isOsteonError } from '../errors.js';

export interface GlobalOptions {
  workspace?: string;
  json?: boolean;
}

/**
 * With `--json`, stdout holds exactly one JSON document; human text goes to stdout otherwise.
 * Progress and logs always go to stderr.
 */
export function printResult(options: GlobalOptions, result: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Prints an error the way a user can act on it and sets a failing exit code. */
export function reportError(options: GlobalOptions, error: unknown): void {
  const code = isOsteonError(error) ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  if (options.json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  process.stderr.write(`osteon: ${message}${code === 'INTERNAL' && error instanceof Error ? `\n${error.stack}` : ''}\n`);
  process.exitCode = isOsteonError(error) ? 2 : 1;
}
