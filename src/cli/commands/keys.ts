import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { withStore } from '../../data/store.js';
import { ApiKeyStore, type KeyScope } from '../../server/api-keys.js';
import { resolveWorkspace } from '../../util/workspace.js';

interface CreateOptions extends GlobalOptions {
  scope: KeyScope;
  name?: string;
}

export function register(program: Command): void {
  const keys = program.command('keys').description('API keys for `osteon serve` (stored hashed; a key is shown once)');
  withGlobalOptions(
    keys
      .command('create')
      .description('create a key; prints {id, key}: keep the key, it cannot be shown again')
      .requiredOption('--scope <predict|admin>', 'predict: classify and list models; admin: also deploy, promote and roll back')
      .option('--name <name>', 'what the key is for'),
  ).action(
    action<CreateOptions>(async (_args, options) => {
      const created = await withStore(resolveWorkspace(options.workspace), (store) => new ApiKeyStore(store.db).create({ scope: options.scope, name: options.name }));
      printResult(options, created, () => `key ${created.id} (${created.scope}): ${created.key}`);
      if (!options.json) log('osteon: this key is shown once; store it now. Send it as `Authorization: Bearer KEY`.');
    }),
  );
  withGlobalOptions(keys.command('list').description('list keys (never their secrets)')).action(
    action<GlobalOptions>(async (_args, options) => {
      const rows = await withStore(resolveWorkspace(options.workspace), (store) => new ApiKeyStore(store.db).list());
      printResult(options, { keys: rows }, () =>
        rows.length === 0
          ? 'no API keys; create one with `osteon keys create --scope predict`'
          : rows
              .map((k) => `${k.id}  ${k.scope.padEnd(7)}  ${(k.name ?? '').padEnd(16)}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}${k.lastUsedAt ? `  last used ${k.lastUsedAt}` : ''}`)
              .join('\n'),
      );
    }),
  );
  withGlobalOptions(keys.command('revoke <id>').description('revoke a key; a running server refuses it from its next request')).action(
    action<GlobalOptions>(async ([id], options) => {
      const revoked = await withStore(resolveWorkspace(options.workspace), (store) => new ApiKeyStore(store.db).revoke(id as string));
      printResult(options, revoked, () => `key ${revoked.id} revoked at ${revoked.revokedAt}`);
    }),
  );
}
