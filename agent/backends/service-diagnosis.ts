// Why a service is not running, for the comment of the state that wanted it running: what the
// init system says of it (`systemctl status`, or the init script's `status`) and the last lines
// of its log (the journal under systemd; under SysV init its file in /var/log). Bounded in lines
// and characters, and read without following symlinks: a service user who owns its log
// directory could otherwise point the "log" at /etc/shadow and have it quoted in the job's output.
import { constants, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { HostContext } from './context.ts';
import { CLEAN_ENV, initScript, unitName } from '../facts/services.ts';

const MAX_LINES = 10;
const MAX_LINE_CHARS = 240;
/** How much of a log file's end is read to find its last lines. */
const TAIL_BYTES = 64 * 1024;

/** The last `MAX_LINES` non-empty lines of `text`, each cut to MAX_LINE_CHARS. */
export function lastLines(text: string, max = MAX_LINES): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter(Boolean)
    .slice(-max)
    .map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l));
}

const block = (title: string, lines: string[]): string => `${title}:\n${lines.map((l) => `    ${l}`).join('\n')}`;

/** The end of the regular file at `abs` (never through a symlink), or undefined. */
async function tailOf(abs: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await fsp.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    const len = Math.min(st.size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, st.size - len);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

/** Debian's places for a SysV service's log: /var/log/NAME.log, /var/log/NAME/*.log (newest), /var/log/NAME. */
async function sysvLog(name: string, root: string): Promise<{ path: string; text: string } | undefined> {
  const candidates = [`/var/log/${name}.log`, `/var/log/${name}/${name}.log`];
  try {
    const dir = join(root, 'var/log', name);
    const logs = (await fsp.readdir(dir)).filter((f) => f.endsWith('.log'));
    const dated = await Promise.all(
      logs.map(async (f) => ({ f, m: (await fsp.lstat(join(dir, f)).catch(() => undefined))?.mtimeMs ?? 0 })),
    );
    candidates.push(...dated.sort((a, b) => b.m - a.m).map((d) => `/var/log/${name}/${d.f}`));
  } catch {
    // no directory of its own
  }
  candidates.push(`/var/log/${name}`);
  for (const path of candidates) {
    const text = await tailOf(join(root, path));
    if (text !== undefined && text.trim()) return { path, text };
  }
  return undefined;
}

/** The init system's status of `name` and its last log lines, ready for a state's comment. */
export async function diagnose(kind: 'systemd' | 'sysvinit', name: string, ctx: HostContext): Promise<string> {
  const parts: string[] = [];
  if (kind === 'systemd') {
    const unit = unitName(name);
    const st = await ctx.run(['systemctl', 'status', '--no-pager', '--lines=0', '--', unit], {
      env: { LC_ALL: 'C', SYSTEMD_COLORS: '0' },
    });
    const status = lastLines(`${st.stdout}\n${st.stderr}`);
    if (status.length) parts.push(block(`systemctl status ${unit} (exit ${st.code})`, status));
    const j = await ctx.run(['journalctl', '--no-pager', '-o', 'short', '-n', String(MAX_LINES), '-u', unit], {
      env: { LC_ALL: 'C' },
    });
    const log = lastLines(j.stdout);
    if (j.code === 0 && log.length) parts.push(block(`Last log lines (journalctl -u ${unit})`, log));
  } else {
    const script = initScript(ctx.root, name);
    const st = await ctx.run([script, 'status'], { cwd: '/', env: CLEAN_ENV, extendEnv: false, timeoutMs: 30_000 });
    const status = lastLines(`${st.stdout}\n${st.stderr}`);
    parts.push(
      status.length
        ? block(`/etc/init.d/${name} status (exit ${st.code})`, status)
        : `/etc/init.d/${name} status: exit ${st.code}`,
    );
    const log = await sysvLog(name, ctx.root);
    if (log) parts.push(block(`Last log lines (${log.path})`, lastLines(log.text)));
  }
  return ctx.redact(parts.join('\n'));
}
