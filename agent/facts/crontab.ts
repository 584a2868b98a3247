// User crontabs in Salt's layout, so tables written by either tool read the same: lines
// above "# Lines below here are managed by Salt, do not edit" are kept as they are; below
// it come environment lines, then jobs, each optionally preceded by a comment carrying
// "SALT_CRON_IDENTIFIER:<id>". Parsing and rendering are pure; reading is `crontab -l -u`.
import type { Fact } from './cache.ts';

export const TAG = '# Lines below here are managed by Salt, do not edit';
export const ID_MARK = 'SALT_CRON_IDENTIFIER';
export const NO_ID = 'NO ID SET';
export const DISABLED = '#DISABLED#';

export interface CronJob {
  minute: string;
  hour: string;
  daymonth: string;
  month: string;
  dayweek: string;
  cmd: string;
  comment: string | null;
  identifier: string | null;
  commented: boolean;
}

export interface SpecialJob {
  spec: string;
  cmd: string;
  comment: string | null;
  identifier: string | null;
  commented: boolean;
}

export interface CronEnv {
  name: string;
  value: string;
}

export interface CronTab {
  pre: string[];
  env: CronEnv[];
  crons: CronJob[];
  special: SpecialJob[];
}

export function parseCrontab(text: string): CronTab {
  const tab: CronTab = { pre: [], env: [], crons: [], special: [] };
  let managed = false;
  let comment: string | null = null;
  let identifier: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw;
    if (line === TAG) {
      managed = true;
      continue;
    }
    if (!managed) {
      tab.pre.push(line);
      continue;
    }
    let commented = false;
    if (line.startsWith(DISABLED)) {
      line = line.slice(DISABLED.length);
      commented = true;
    }
    if (line.startsWith('@')) {
      const comps = line.split(/\s+/).filter(Boolean);
      if (comps.length < 2) continue;
      tab.special.push({ spec: comps[0], cmd: comps.slice(1).join(' '), comment, identifier, commented });
      comment = identifier = null;
    } else if (line.startsWith('#')) {
      let text = line.replace(/^[# ]+/, '');
      const at = text.indexOf(ID_MARK);
      if (at >= 0) {
        const rest = text.slice(at + ID_MARK.length);
        if (rest.length > 1) identifier = rest.slice(1);
        text = text.slice(0, at).trimEnd();
      }
      comment = comment === null ? text : `${comment}\n${text}`;
    } else if (line.indexOf('=') > 0 && (!line.includes(' ') || line.indexOf('=') < line.indexOf(' '))) {
      const eq = line.indexOf('=');
      tab.env.push({ name: line.slice(0, eq), value: line.slice(eq + 1) });
    } else if (line.split(' ').length > 5) {
      const c = line.split(' ');
      tab.crons.push({
        minute: c[0],
        hour: c[1],
        daymonth: c[2],
        month: c[3],
        dayweek: c[4],
        cmd: c.slice(5).join(' '),
        comment,
        identifier,
        commented,
      });
      comment = identifier = null;
    }
  }
  // A table that ends with a newline splits into a last empty "line": not part of it.
  if (tab.pre.length && tab.pre[tab.pre.length - 1] === '' && !managed) tab.pre.pop();
  return tab;
}

function commentLines(job: { comment: string | null; identifier: string | null }): string[] {
  if (job.comment === null && job.identifier === null) return [];
  let c = '#';
  if (job.comment) c += ` ${job.comment.trimEnd().replace(/\n/g, '\n# ')}`;
  if (job.identifier) c += ` ${ID_MARK}:${job.identifier}`;
  return [c];
}

export function renderCrontab(tab: CronTab): string {
  const out = [...tab.pre];
  if (out[out.length - 1] !== TAG) out.push(TAG);
  for (const e of tab.env) out.push(e.value === '' ? `${e.name}=""` : `${e.name}=${e.value}`);
  for (const j of tab.crons) {
    out.push(...commentLines(j));
    out.push(`${j.commented ? DISABLED : ''}${j.minute} ${j.hour} ${j.daymonth} ${j.month} ${j.dayweek} ${j.cmd}`);
  }
  for (const j of tab.special) {
    out.push(...commentLines(j));
    out.push(`${j.commented ? DISABLED : ''}${j.spec} ${j.cmd}`);
  }
  return `${out.join('\n')}\n`;
}

/** `crontab -l -u USER`: the table text ('' when the user has none). */
export const crontabFact: Fact<string, CronTab> = {
  name: 'crontab',
  async gather(user, env) {
    const r = await env.run(['crontab', '-l', '-u', user]);
    if (r.code === 0) return r.stdout;
    if (/no crontab for/i.test(r.stderr)) return '';
    throw new Error(`crontab -l -u ${user} failed: ${(r.stderr || r.error || `exit code ${r.code}`).trim()}`);
  },
  parse: (raw) => parseCrontab(raw),
};

export const writeCrontabArgv = (user: string): string[] => ['crontab', '-u', user, '-'];
