// Shared by the user and group states: the account databases, the shadow tools' argv
// (with --prefix when the root is not '/'), and Salt-style rendering of values in comments.
import type { StateContext } from './types.ts';
import { passwdEntriesFact, shadowFact, type PasswdEntry, type ShadowEntry } from '../facts/passwd.ts';
import { groupEntriesFact, type GroupEntry } from '../facts/group.ts';

export interface Accounts {
  users: Map<string, PasswdEntry>;
  groups: Map<string, GroupEntry>;
  shadow: Map<string, ShadowEntry>;
}

export async function readAccounts(ctx: StateContext): Promise<Accounts> {
  const [users, groups, shadow] = await Promise.all([
    ctx.facts.get(passwdEntriesFact, '/etc/passwd'),
    ctx.facts.get(groupEntriesFact, '/etc/group'),
    ctx.facts.get(shadowFact, '/etc/shadow'),
  ]);
  return { users, groups, shadow };
}

/** Forgets every account fact (ours and the name/id view other states use). */
export function forgetAccounts(ctx: StateContext): void {
  for (const f of ['passwd-entries', 'group-entries', 'shadow', 'passwd', 'group', 'getent']) ctx.facts.invalidate(f);
}

/** `--prefix ROOT` for useradd & co. when managing a root other than '/'. */
export const prefix = (ctx: StateContext): string[] => (ctx.root === '/' ? [] : ['--prefix', ctx.root]);

/** A command of an account change: argv plus optional stdin. */
export interface AccountCommand {
  argv: string[];
  input?: string;
}

/** Runs commands in order; the first failure's message, or undefined when all succeeded. */
export async function runAll(cmds: AccountCommand[], ctx: StateContext): Promise<string | undefined> {
  for (const c of cmds) {
    const r = await ctx.run(c.argv, c.input === undefined ? {} : { input: c.input });
    if (r.code !== 0) return (r.stderr || r.stdout || r.error || `${c.argv[0]} exited with ${r.code}`).trim();
  }
  return undefined;
}

/** A value as Salt's comments print it (Python repr for lists and strings inside lists). */
export function pyRepr(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyRepr(x))).join(', ')}]`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** A gid given as a number or group name → number (undefined when the name is unknown). */
export function resolveGid(gid: unknown, groups: Map<string, GroupEntry>): number | undefined {
  if (gid === undefined || gid === null || gid === '') return undefined;
  const s = String(gid);
  if (/^\d+$/.test(s)) return Number(s);
  return groups.get(s)?.gid;
}
