// `halite highstate [targeting]`: apply the top file's states to the selected hosts, roles in
// dependency order, through each level's jump host.
import type { Command } from 'commander';
import type { CommandContext } from '../output/cli-io.ts';
import { type JobCliOptions, type JobHooks, addJobOptions, runJob } from './job.ts';

export function registerHighstate(program: Command, ctx: CommandContext, hooks: JobHooks = {}): void {
  const cmd = program.command('highstate').description('apply the highstate to the selected hosts (every roster host takes --all, or a confirmation on a terminal)');
  addJobOptions(cmd).action(async (_o, c: Command) => {
    await runJob(ctx, c.optsWithGlobals<JobCliOptions>(), undefined, hooks);
  });
}
