import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { withStore } from '../../data/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { exportRun } from '../../train/export-run.js';

export function register(program: Command): void {
  withGlobalOptions(
    program.command('export').description('write a run\'s best model as a self-describing ONNX file')
      .requiredOption('--run <id>', 'training run').requiredOption('--out <file.onnx>', 'output file'),
  ).action(
    action<GlobalOptions & { run: string; out: string }>(async (_args, o) => {
      const bytes = await withStore(resolveWorkspace(o.workspace), (store) => exportRun(store, o.run));
      writeFileAtomic(o.out, bytes);
      printResult(o, { file: o.out, bytes: bytes.length }, () => `wrote ${o.out} (${(bytes.length / 1e6).toFixed(1)} MB)`);
    }),
  );
}
