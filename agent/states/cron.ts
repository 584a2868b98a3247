// cron.present / absent / env_present / env_absent: a user's crontab, read with
// `crontab -l -u USER` and written whole with `crontab -u USER -`, in Salt's layout and
// with Salt's comments ("Cron X added to root's crontab") and changes ({user: name}).
import type { Outcome, Plan, StateArgs, StateContext, StateFunction, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { flag, optString } from './args.ts';
import { crontabFact, parseCrontab, renderCrontab, writeCrontabArgv, type CronTab } from '../facts/crontab.ts';
import { rmEnv, rmJob, setEnv, setJob, setSpecial } from './cron-table.ts';
import { refuseOptionLike } from '../process/operands.ts';
import { untypedArgs } from './define.ts';

export interface CronOps {
  user: string;
  content: string;
  outcome: Outcome;
  name: string;
}

/**
 * The user's table, or why it cannot be read. In test mode, a user that a pending
 * requisite may create yet has an empty table.
 */
async function table(user: string, ctx: StateContext): Promise<CronTab | string> {
  // crontab -u takes the user as an option's value; one that looks like an option is refused all the same
  const invalid = refuseOptionLike('user', user);
  if (invalid) return invalid;
  try {
    return await ctx.facts.get(crontabFact, user);
  } catch (e) {
    const waiting = ctx.test && !!ctx.pendingRequisites?.length;
    return waiting ? parseCrontab('') : (e as Error).message;
  }
}

/** Salt's identifier: the `identifier` argument, else the command itself. */
function identifierOf(args: StateArgs, name: string): string {
  const id = args.identifier;
  return id === undefined || id === null || id === false ? name : String(id);
}

const field = (v: unknown): string => (v === undefined || v === null ? '*' : String(v).toLowerCase());

function planned(
  status: string, user: string, name: string, next: CronTab,
  words: { present: string; test: string; done: string },
): Plan<CronOps> {
  if (status === 'present' || status === 'absent') return converged(words.present);
  return pending({}, words.test, { user, name, content: renderCrontab(next), outcome: { changes: { [user]: name }, comment: words.done } });
}

async function checkPresent(args: StateArgs, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name.trim();
  const user = optString(args.user) ?? 'root';
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const common = {
    cmd: name,
    identifier: identifierOf(args, name),
    comment: optString(args.comment) ?? null,
    commented: flag(args.commented),
  };
  const special = optString(args.special);
  const r = special
    ? setSpecial(tab, { ...common, spec: special })
    : setJob(tab, { ...common, minute: field(args.minute), hour: field(args.hour), daymonth: field(args.daymonth), month: field(args.month), dayweek: field(args.dayweek) });
  return planned(r.status, user, name, r.tab, {
    present: `Cron ${name} already present`,
    test: r.status === 'new' ? `Cron ${name} is set to be added` : `Cron ${name} is set to be updated`,
    done: r.status === 'new' ? `Cron ${name} added to ${user}'s crontab` : `Cron ${name} updated`,
  });
}

async function checkAbsent(args: StateArgs, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name.trim();
  const user = optString(args.user) ?? 'root';
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const r = rmJob(tab, name, identifierOf(args, name), optString(args.special));
  return planned(r.status, user, name, r.tab, {
    present: ctx.test ? `Cron ${name} is absent` : `Cron ${name} already absent`,
    test: `Cron ${name} is set to be removed`,
    done: `Cron ${name} removed from ${user}'s crontab`,
  });
}

async function checkEnvPresent(args: StateArgs, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name;
  const user = optString(args.user) ?? 'root';
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const r = setEnv(tab, name, optString(args.value) ?? '');
  return planned(r.status, user, name, r.tab, {
    present: `Cron ${name} already present`,
    test: r.status === 'new' ? `Cron ${name} is set to be added` : `Cron ${name} is set to be updated`,
    done: r.status === 'new' ? `Cron ${name} added to ${user}'s crontab` : `Cron ${name} updated`,
  });
}

async function checkEnvAbsent(args: StateArgs, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name;
  const user = optString(args.user) ?? 'root';
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const r = rmEnv(tab, name);
  return planned(r.status, user, name, r.tab, {
    present: ctx.test ? `Cron ${name} is absent` : `Cron ${name} already absent`,
    test: `Cron ${name} is set to be removed`,
    done: `Cron ${name} removed from ${user}'s crontab`,
  });
}

async function apply(plan: Plan<CronOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await ctx.run(writeCrontabArgv(ops.user), { input: ops.content });
  ctx.facts.invalidate(crontabFact, ops.user);
  if (r.code !== 0) {
    const err = (r.stderr || r.stdout || r.error || `exit code ${r.code}`).trim();
    return { result: false, changes: {}, comment: `Cron ${ops.name} for user ${ops.user} failed to commit with error \n${err}` };
  }
  return ops.outcome;
}

const JOB_ARGS = ['user', 'minute', 'hour', 'daymonth', 'month', 'dayweek', 'comment', 'commented', 'identifier', 'special'];

export const present: StateFunction<CronOps> = { doc: '', args: untypedArgs([], JOB_ARGS), check: checkPresent, apply };
export const absent: StateFunction<CronOps> = { doc: '', args: untypedArgs([], ['user', 'identifier', 'special']), check: checkAbsent, apply };
export const env_present: StateFunction<CronOps> = { doc: '', args: untypedArgs([], ['value', 'user']), check: checkEnvPresent, apply };
export const env_absent: StateFunction<CronOps> = { doc: '', args: untypedArgs([], ['user']), check: checkEnvAbsent, apply };

const cronModule: StateModule = { present, absent, env_present, env_absent };
export default cronModule;
