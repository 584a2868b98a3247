// `halite sls NAME… [targeting]`: apply only the named SLS (Salt's state.sls) to the selected hosts.
import type { Command } from 'commander';
import type { CommandContext } from '../output/cli-io.ts';
import { slsNames } from './sls-names.ts';
import { type JobCliOptions, type JobHooks, addJobOptions, runJob } from './job.ts';

export function registerSls(program: Command, ctx: CommandContext, hooks: JobHooks = {}): void {
  const cmd = program
    .command('sls')
    .description('apply the named SLS (e.g. memcached redis.server) to the selected hosts')
    .argument('<name...>', 'SLS names, as arguments or comma-separated (memcached,redis)');
  addJobOptions(cmd).action(async (names: string[], _o, c: Command) => {
    await runJob(ctx, c.optsWithGlobals<JobCliOptions>(), slsNames(names), hooks);
  });
}
