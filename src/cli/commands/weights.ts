import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { pullWeights, TORCHVISION_WEIGHTS, weightsPath } from '../../nn/weights.js';
import { resolveWorkspace, workspacePaths } from '../../util/workspace.js';
import fs from 'node:fs';

export function register(program: Command): void {
  const weights = program.command('weights').description('pretrained (ImageNet) weights for transfer learning');
  withGlobalOptions(weights.command('pull <arch>').description('download and verify torchvision\'s ImageNet weights for an architecture')).action(
    action<GlobalOptions>(async ([arch], o) => {
      const dir = workspacePaths(resolveWorkspace(o.workspace)).weights;
      log(`fetching ${TORCHVISION_WEIGHTS[arch!] ?? arch} …`);
      const result = await pullWeights(arch!, { dir });
      printResult(o, result, () => `${result.cached ? 'already cached' : 'downloaded and verified'}: ${result.file}\n` +
        `train from it with: osteon train --arch ${arch} --init imagenet ...`);
    }),
  );
  withGlobalOptions(weights.command('list').description('which pretrained weights are known and cached')).action(
    action<GlobalOptions>(async (_args, o) => {
      const dir = workspacePaths(resolveWorkspace(o.workspace)).weights;
      const rows = Object.keys(TORCHVISION_WEIGHTS).map((arch) => {
        const file = weightsPath(arch, dir);
        return { arch, file, cached: fs.existsSync(file) };
      });
      printResult(o, { weights: rows }, () => rows.map((r) => `${r.arch.padEnd(16)} ${r.cached ? 'cached ' : 'missing'} ${r.file}`).join('\n'));
    }),
  );
}
