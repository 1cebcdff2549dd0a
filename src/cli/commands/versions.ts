import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { OsteonError } from '../../errors.js';
import { ModelRegistry, describeVersion, versionTable } from '../../serve/registry/index.js';
import { resolveWorkspace } from '../../util/workspace.js';

export function register(program: Command): void {
  const versions = program.command('versions').description('the model versions of a workspace and the deployed one');
  const open = (o: GlobalOptions) => ModelRegistry.open(resolveWorkspace(o.workspace));

  withGlobalOptions(versions.command('list', { isDefault: true }).description('list the versions, the deployed one marked *')).action(
    action<GlobalOptions>(async (_args, o) => {
      const registry = open(o);
      const current = registry.current()?.version ?? null;
      const list = registry.list();
      printResult(o, { current, versions: list.map((v) => ({ ...v, deployed: v.version === current })), history: registry.history() }, () =>
        versionTable(list, current),
      );
    }),
  );

  withGlobalOptions(versions.command('promote <version>').description('deploy a version')).action(
    action<GlobalOptions>(async ([version], o) => {
      const registry = open(o);
      const previous = registry.current()?.version ?? null;
      const promoted = registry.promote(parseVersion(version as string));
      printResult(o, { ...promoted, deployed: true, previous }, () => `deployed ${describeVersion(promoted)}`);
    }),
  );

  withGlobalOptions(versions.command('rollback').description('deploy again the version deployed before the current one')).action(
    action<GlobalOptions>(async (_args, o) => {
      const registry = open(o);
      const previous = registry.current()?.version ?? null;
      const restored = registry.rollback();
      printResult(o, { ...restored, deployed: true, previous }, () => `rolled back from version ${previous} to ${describeVersion(restored)}`);
    }),
  );
}

/** `3`, `v3` and `v0003` all name version 3. */
function parseVersion(text: string): number {
  const match = /^v?(\d+)$/i.exec(text.trim());
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new OsteonError('BAD_OPTION', `"${text}" is not a model version; give its number, e.g. \`osteon versions promote 3\` (see \`osteon versions\`).`);
  }
  return version;
}
