// `halite sls NAME… [targeting]`: apply only the named SLS (Salt's state.sls) to the selected hosts.
import type { Command } from 'commander';
import type { CommandContext } from '../output/cli-io.ts';
import { slsNames } from './sls-names.ts';
import { usageError } from '../cli-error.ts';
import { type JobCliOptions, type JobHooks, addJobOptions, runJob, withKwargs } from './job.ts';
import { jobKwargs } from './job-kwargs.ts';

export function registerSls(program: Command, ctx: CommandContext, hooks: JobHooks = {}): void {
  const cmd = program
    .command('sls')
    .description('apply the named SLS (e.g. memcached redis.server) to the selected hosts')
    .argument(
      '<name...>',
      "SLS names, as arguments or comma-separated (memcached,redis); Salt-style pillar='{…}' and test=True too",
    );
  addJobOptions(cmd, false).action(async (args: string[], _o, c: Command) => {
    const kw = jobKwargs(args);
    const names = slsNames(kw.names);
    if (!names.length) throw usageError('sls: name at least one SLS');
    await runJob(ctx, withKwargs(c.optsWithGlobals<JobCliOptions>(), kw), names, hooks);
  });
}
