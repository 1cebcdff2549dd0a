import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { architectureInfo, createModelGraph, listModels } from '../../nn/registry.js';
import { countParameters } from '../../nn/ir.js';
import '../../nn/zoo/index.js';

export function register(program: Command): void {
  const models = program.command('models').description('the architectures Osteon can train');
  withGlobalOptions(models.command('list [pattern]').description('list architectures matching a glob (default *)')).action(
    action<GlobalOptions>(async ([pattern], options) => {
      const rows = listModels(pattern ?? '*').map((name) => {
        const info = architectureInfo(name);
        const graph = createModelGraph(name);
        return {
          name,
          family: info.family,
          parameters: countParameters(graph),
          defaultInputSize: graph.defaultInputSize,
          description: info.description,
          recipe: info.recipe ?? {},
        };
      });
      printResult(options, { models: rows }, () =>
        rows
          .map((r) => {
            const own = Object.entries(r.recipe).map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(', ');
            return `${r.name.padEnd(18)} ${(r.parameters / 1e6).toFixed(2).padStart(6)}M params  ${r.description}${own ? ` (trains with ${own})` : ''}`;
          })
          .join('\n'),
      );
    }),
  );
}
