import type { Command } from 'commander';
import { reportError, type GlobalOptions } from './output.js';

/** Adds the options every command takes (DESIGN.md, the command-line contract). */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--workspace <dir>', 'workspace folder (default: $OSTEON_HOME or ./osteon-data)')
    .option('--json', 'print one JSON document on stdout; progress and logs go to stderr');
}

/**
 * Wraps a command's action: hands it its positional arguments and options, and turns any thrown error into
 * a clear message and a non-zero exit code.
 */
export function action<O extends GlobalOptions>(
  run: (args: string[], options: O) => Promise<void>,
): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const command = raw[raw.length - 1] as Command;
    const options = command.opts<O>();
    const args = raw.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a : a === undefined ? [] : [String(a)]));
    try {
      await run(args, options);
    } catch (error) {
      reportError(options, error);
    }
  };
}
