import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { withStore } from '../../data/index.js';
import { describeVersion } from '../../serve/registry/index.js';
import { deployRun } from '../../train/deploy-run.js';
import { resolveWorkspace } from '../../util/workspace.js';

export function register(program: Command): void {
  withGlobalOptions(
    program.command('deploy').description('export a run\'s best model, register it as the next model version and deploy it')
      .requiredOption('--run <id>', 'training run')
      .option('--no-promote', 'register the version without deploying it')
      .option('--note <text>', 'a note kept with the version'),
  ).action(
    action<GlobalOptions & { run: string; promote: boolean; note?: string }>(async (_args, o) => {
      const version = await withStore(resolveWorkspace(o.workspace), (store) => deployRun(store, o.run, { promote: o.promote, note: o.note }));
      printResult(o, { ...version, deployed: o.promote }, () =>
        o.promote ? `deployed ${describeVersion(version)}` : `registered ${describeVersion(version)}; deploy it with \`osteon versions promote ${version.version}\``,
      );
    }),
  );
}
