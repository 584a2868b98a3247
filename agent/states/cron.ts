// cron.present / absent / env_present / env_absent: a user's crontab, read with
// `crontab -l -u USER` and written whole with `crontab -u USER -`, in Salt's layout and
// with Salt's comments ("Cron X added to root's crontab") and changes ({user: name}).
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { crontabFact, parseCrontab, renderCrontab, writeCrontabArgv, type CronTab } from '../facts/crontab.ts';
import { rmEnv, rmJob, setEnv, setJob, setSpecial } from './cron-table.ts';
import { refuseOptionLike } from '../process/operands.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const USER = { type: 'string', default: 'root', doc: 'Whose crontab' } as const;
const IDENTIFIER = {
  type: 'any',
  default: false,
  doc: 'A unique name for the job (SALT_CRON_IDENTIFIER); false: the command is',
} as const;
const SPECIAL = { type: 'string', doc: 'A special time (@reboot, @daily…) instead of the five fields' } as const;
const time = (what: string) => ({ type: 'string', default: '*', doc: `The ${what} field` }) as const;

const PRESENT_ARGS = declareArgs({
  user: USER,
  minute: time('minute'),
  hour: time('hour'),
  daymonth: time('day of month'),
  month: time('month'),
  dayweek: time('day of week'),
  comment: { type: 'string', doc: 'A comment line above the job' },
  commented: { type: 'bool', default: false, doc: 'Keep the job in the table, commented out' },
  identifier: IDENTIFIER,
  special: SPECIAL,
});
const ABSENT_ARGS = declareArgs({ user: USER, identifier: IDENTIFIER, special: SPECIAL });
const ENV_PRESENT_ARGS = declareArgs({
  value: { type: 'string', default: '', doc: 'The value of the variable' },
  user: USER,
});
const ENV_ABSENT_ARGS = declareArgs({ user: USER });

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
function identifierOf(args: { identifier: unknown }, name: string): string {
  const id = args.identifier;
  return id === undefined || id === null || id === false ? name : String(id);
}

const field = (v: unknown): string => (v === undefined || v === null ? '*' : String(v).toLowerCase());

function planned(
  status: string,
  user: string,
  name: string,
  next: CronTab,
  words: { present: string; test: string; done: string },
): Plan<CronOps> {
  if (status === 'present' || status === 'absent') return converged(words.present);
  return pending({}, words.test, {
    user,
    name,
    content: renderCrontab(next),
    outcome: { changes: { [user]: name }, comment: words.done },
  });
}

async function checkPresent(args: ArgsOf<typeof PRESENT_ARGS>, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name.trim();
  const { user } = args;
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const common = {
    cmd: name,
    identifier: identifierOf(args, name),
    comment: args.comment ?? null,
    commented: args.commented,
  };
  const { special } = args;
  const r = special
    ? setSpecial(tab, { ...common, spec: special })
    : setJob(tab, {
        ...common,
        minute: field(args.minute),
        hour: field(args.hour),
        daymonth: field(args.daymonth),
        month: field(args.month),
        dayweek: field(args.dayweek),
      });
  return planned(r.status, user, name, r.tab, {
    present: `Cron ${name} already present`,
    test: r.status === 'new' ? `Cron ${name} is set to be added` : `Cron ${name} is set to be updated`,
    done: r.status === 'new' ? `Cron ${name} added to ${user}'s crontab` : `Cron ${name} updated`,
  });
}

async function checkAbsent(args: ArgsOf<typeof ABSENT_ARGS>, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name.trim();
  const { user } = args;
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const r = rmJob(tab, name, identifierOf(args, name), args.special);
  return planned(r.status, user, name, r.tab, {
    present: ctx.test ? `Cron ${name} is absent` : `Cron ${name} already absent`,
    test: `Cron ${name} is set to be removed`,
    done: `Cron ${name} removed from ${user}'s crontab`,
  });
}

async function checkEnvPresent(args: ArgsOf<typeof ENV_PRESENT_ARGS>, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name;
  const { user } = args;
  const tab = await table(user, ctx);
  if (typeof tab === 'string') return failed(tab);
  const r = setEnv(tab, name, args.value);
  return planned(r.status, user, name, r.tab, {
    present: `Cron ${name} already present`,
    test: r.status === 'new' ? `Cron ${name} is set to be added` : `Cron ${name} is set to be updated`,
    done: r.status === 'new' ? `Cron ${name} added to ${user}'s crontab` : `Cron ${name} updated`,
  });
}

async function checkEnvAbsent(args: ArgsOf<typeof ENV_ABSENT_ARGS>, ctx: StateContext): Promise<Plan<CronOps>> {
  const name = args.name;
  const { user } = args;
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
    return {
      result: false,
      changes: {},
      comment: `Cron ${ops.name} for user ${ops.user} failed to commit with error \n${err}`,
    };
  }
  return ops.outcome;
}

export const present = defineState({
  doc: "A job is in the user's crontab",
  args: PRESENT_ARGS,
  check: checkPresent,
  apply,
});
export const absent = defineState({
  doc: "A job is not in the user's crontab",
  args: ABSENT_ARGS,
  check: checkAbsent,
  apply,
});
export const env_present = defineState({
  doc: "A variable is set in the user's crontab",
  args: ENV_PRESENT_ARGS,
  check: checkEnvPresent,
  apply,
});
export const env_absent = defineState({
  doc: "A variable is not set in the user's crontab",
  args: ENV_ABSENT_ARGS,
  check: checkEnvAbsent,
  apply,
});

const cronModule: StateModule = { present, absent, env_present, env_absent };
export default cronModule;
