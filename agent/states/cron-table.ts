// Edits of a parsed crontab with Salt's matching rules: a job is found by its identifier,
// or (for jobs written without one) by its command. Pure: table in, status and table out.
import { NO_ID, type CronEnv, type CronJob, type CronTab, type SpecialJob } from '../facts/crontab.ts';

export type SetStatus = 'present' | 'new' | 'updated';

const cid = (j: { identifier: string | null }): string => j.identifier || NO_ID;

/** Whether an existing job is the one (cmd, identifier) names. */
export function matches(
  job: { cmd: string; identifier: string | null },
  cmd: string,
  identifier: string | null,
): boolean {
  const id = cid(job);
  const want = identifier || NO_ID;
  if (job.cmd !== cmd && id === NO_ID && want === NO_ID) return false;
  if (job.cmd === cmd && id === NO_ID && identifier) return true;
  return want === id;
}

/** Salt's _needs_change: a wanted value of null (unset) or 'random' (over a fixed value) keeps the old one. */
export function needsChange(old: unknown, wanted: unknown): boolean {
  if (old === wanted) return false;
  if (wanted === 'random') return old === '*';
  return wanted !== null && wanted !== undefined;
}

const RANGES: Record<string, [number, number]> = {
  minute: [0, 59],
  hour: [0, 23],
  daymonth: [1, 28],
  month: [1, 12],
  dayweek: [0, 6],
};

/** Picks a value for a field given as 'random' (once, when the job is created). */
export function resolveRandom(field: keyof typeof RANGES, v: string, rnd: () => number = Math.random): string {
  if (v !== 'random') return v;
  const [lo, hi] = RANGES[field];
  return String(lo + Math.floor(rnd() * (hi - lo + 1)));
}

type Timing = Pick<CronJob, 'minute' | 'hour' | 'daymonth' | 'month' | 'dayweek'>;
const FIELDS = ['minute', 'hour', 'daymonth', 'month', 'dayweek'] as const;

export function setJob(
  tab: CronTab,
  want: Omit<CronJob, 'comment'> & { comment: string | null },
  rnd?: () => number,
): { status: SetStatus; tab: CronTab } {
  const i = tab.crons.findIndex((j) => matches(j, want.cmd, want.identifier));
  if (i >= 0) {
    const old = tab.crons[i];
    const changed =
      needsChange(old.comment, want.comment) ||
      old.commented !== want.commented ||
      needsChange(cid(old), want.identifier || NO_ID) ||
      FIELDS.some((f) => needsChange(old[f], want[f])) ||
      old.cmd !== want.cmd;
    if (!changed) return { status: 'present', tab };
    const timing = Object.fromEntries(
      FIELDS.map((f) => [f, needsChange(old[f], want[f]) ? resolveRandom(f, want[f], rnd) : old[f]]),
    ) as Timing;
    const job: CronJob = {
      ...timing,
      cmd: want.cmd,
      identifier: want.identifier,
      commented: want.commented,
      comment: needsChange(old.comment, want.comment) ? want.comment : old.comment,
    };
    const crons = tab.crons.filter((_, k) => k !== i);
    return { status: 'updated', tab: { ...tab, crons: [...crons, job] } };
  }
  const timing = Object.fromEntries(FIELDS.map((f) => [f, resolveRandom(f, want[f], rnd)])) as Timing;
  return { status: 'new', tab: { ...tab, crons: [...tab.crons, { ...want, ...timing }] } };
}

export function setSpecial(tab: CronTab, want: SpecialJob): { status: SetStatus; tab: CronTab } {
  const i = tab.special.findIndex((j) => matches(j, want.cmd, want.identifier));
  if (i < 0) return { status: 'new', tab: { ...tab, special: [...tab.special, want] } };
  const old = tab.special[i];
  const changed =
    needsChange(old.comment, want.comment) ||
    old.commented !== want.commented ||
    needsChange(cid(old), want.identifier || NO_ID) ||
    old.spec !== want.spec ||
    old.cmd !== want.cmd;
  if (!changed) return { status: 'present', tab };
  const job = { ...want, comment: needsChange(old.comment, want.comment) ? want.comment : old.comment };
  return { status: 'updated', tab: { ...tab, special: [...tab.special.filter((_, k) => k !== i), job] } };
}

export function rmJob(
  tab: CronTab,
  cmd: string,
  identifier: string | null,
  special?: string,
): { status: 'absent' | 'removed'; tab: CronTab } {
  const crons = special ? tab.crons : tab.crons.filter((j) => !matches(j, cmd, identifier));
  const specials = tab.special.filter((j) => !((!special || j.spec === special) && matches(j, cmd, identifier)));
  const removed = crons.length < tab.crons.length || specials.length < tab.special.length;
  return { status: removed ? 'removed' : 'absent', tab: { ...tab, crons, special: specials } };
}

export function setEnv(tab: CronTab, name: string, value: string): { status: SetStatus; tab: CronTab } {
  const i = tab.env.findIndex((e) => e.name === name);
  if (i >= 0 && tab.env[i].value === value) return { status: 'present', tab };
  const env: CronEnv[] = tab.env.filter((e) => e.name !== name);
  env.push({ name, value });
  return { status: i >= 0 ? 'updated' : 'new', tab: { ...tab, env } };
}

export function rmEnv(tab: CronTab, name: string): { status: 'absent' | 'removed'; tab: CronTab } {
  const env = tab.env.filter((e) => e.name !== name);
  return { status: env.length < tab.env.length ? 'removed' : 'absent', tab: { ...tab, env } };
}
