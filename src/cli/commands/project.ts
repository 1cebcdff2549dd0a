import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { createProject, listProjects } from '../../data/projects.js';

interface CreateOptions extends GlobalOptions {
  classes?: string;
}

export function register(program: Command): void {
  const project = program.command('project').description('projects: one data set and its models each');
  withGlobalOptions(project.command('create <name>').description('create a project'))
    .option('--classes <list>', 'class names in index order, comma-separated (default fractured,normal)')
    .action(
      action<CreateOptions>(async ([name], options) => {
        const classes = options.classes?.split(',').map((c) => c.trim()).filter(Boolean);
        const created = await withStore(resolveWorkspace(options.workspace), (store) => createProject(store, name!, classes ? { classes } : {}));
        printResult(options, { project: created }, () => `created project ${created.name} (id ${created.id}, classes ${created.classes.join(', ')})`);
      }),
    );
  withGlobalOptions(project.command('list').description('list projects')).action(
    action<GlobalOptions>(async (_args, options) => {
      const projects = await withStore(resolveWorkspace(options.workspace), (store) => listProjects(store));
      printResult(options, { projects }, () => projects.map((p) => `${String(p.id).padStart(4)}  ${p.name}  (${p.classes.join(', ')})`).join('\n') || 'no projects yet');
    }),
  );
}
