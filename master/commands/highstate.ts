// `halite highstate [targeting]`: apply the top file's states to the selected hosts, roles in
// dependency order, through each level's jump host.
import type { Command } from 'commander';
import type { CommandContext } from '../output/cli-io.ts';
import { usageError } from '../cli-error.ts';
import { type JobCliOptions, type JobHooks, addJobOptions, runJob, withKwargs } from './job.ts';
import { jobKwargs } from './job-kwargs.ts';

export function registerHighstate(program: Command, ctx: CommandContext, hooks: JobHooks = {}): void {
  const cmd = program
    .command('highstate')
    .description(
      'apply the highstate to the selected hosts (every roster host takes --all, or a confirmation on a terminal)',
    );
  addJobOptions(cmd).action(async (kwargs: string[], _o, c: Command) => {
    const kw = jobKwargs(kwargs);
    if (kw.names.length) throw usageError(`highstate takes no SLS names (${kw.names.join(', ')}): use halite sls`);
    await runJob(ctx, withKwargs(c.optsWithGlobals<JobCliOptions>(), kw), undefined, hooks);
  });
}
