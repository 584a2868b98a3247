// `halite token create NAME | list | revoke NAME`: the bearer tokens of the daemon's API, kept hashed
// in the job database. A new token is printed once and cannot be shown again.
import type { Command } from 'commander';
import { TokenError, TokenStore } from './tokens.ts';
import { CliError, usageError } from '../cli-error.ts';
import { loadConfig } from '../config/halite-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import { JobStore } from '../jobs/store.ts';
import { formatTable } from '../output/table.ts';
import type { CommandContext } from '../output/cli-io.ts';
import type { GlobalOptions } from '../commands/options.ts';

function withTokens<T>(ctx: CommandContext, opts: GlobalOptions, fn: (tokens: TokenStore) => T): T {
  const { config, errors } = loadConfig(opts.config, ctx.io.env, ctx.io.cwd);
  if (errors.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, errors);
  const store = JobStore.open(config.jobsDb);
  try {
    return fn(new TokenStore(store.db));
  } catch (err) {
    if (err instanceof TokenError) throw usageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

export function registerToken(program: Command, ctx: CommandContext): void {
  const token = program.command('token').description('API tokens for halite serve: create, list, revoke');
  token
    .command('create')
    .description('create a token and print it (the only time it is shown)')
    .argument('<name>', 'what the token is for; jobs it starts are recorded as started by api:NAME')
    .action((name: string, _o, c: Command) => {
      const value = withTokens(ctx, c.optsWithGlobals<GlobalOptions>(), (t) => t.create(name));
      ctx.io.stdout(`${value}\n`);
      ctx.io.stderr(
        `token ${name} created: keep it now, it cannot be shown again (use it as "Authorization: Bearer TOKEN")\n`,
      );
    });
  token
    .command('list')
    .description('the tokens: name, when created, when last used (never the token)')
    .action((_o, c: Command) => {
      const rows = withTokens(ctx, c.optsWithGlobals<GlobalOptions>(), (t) => t.list());
      if (!rows.length) ctx.io.stderr('no tokens (halite token create NAME)\n');
      else
        ctx.io.stdout(
          formatTable(
            ['NAME', 'CREATED', 'LAST USED'],
            rows.map((r) => [r.name, r.createdAt, r.lastUsedAt ?? 'never']),
          ),
        );
    });
  token
    .command('revoke')
    .description('delete a token: requests made with it are refused from now on')
    .argument('<name>', 'the token name')
    .action((name: string, _o, c: Command) => {
      if (!withTokens(ctx, c.optsWithGlobals<GlobalOptions>(), (t) => t.revoke(name)))
        throw usageError(`no token named ${name}`);
      ctx.io.stdout(`token ${name} revoked\n`);
    });
}
