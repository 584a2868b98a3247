// pkgrepo.managed / pkgrepo.absent for apt: one-line sources in a .list file, the
// repository's key (given as armored text, never fetched) in its signed-by keyring.
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Changes, Outcome, Plan, StateArgs, StateContext, StateFunction, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { flag, optString } from './args.ts';
import { contentFact } from '../facts/content.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { backupFile } from '../store/backup.ts';
import { aptUpdateFact, invalidateLists } from '../backends/apt.ts';
import {
  defaultSourceFile, formatSourceLine, keyFileContent, parseSourceLine, sameRepo, sameSource, type SourceLine,
} from '../backends/apt-sources.ts';
import { untypedArgs } from './define.ts';

interface Write {
  path: string;
  /** null removes the file. */
  data: Buffer | null;
}

export interface RepoOps {
  name: string;
  writes: Write[];
  refresh: boolean;
  /** Comment once applied. */
  done: string;
}

const WARN_TAIL = 'This may cause pkg states to behave differently than stated if this action is repeated without test=True, due to the differences in the configured repositories.';

async function readText(ctx: StateContext, path: string): Promise<string | null> {
  const c = await ctx.facts.get(contentFact, path);
  return c ? c.text : null;
}

/** `refresh` (Salt also spells it refresh_db), default true. */
const wantsRefresh = (args: StateArgs): boolean => flag(args.refresh ?? args.refresh_db, true);

/** The sources file with `want` in it: an equal line kept, a line for the same repository replaced, else appended. */
export function withSource(text: string, want: SourceLine, clean: boolean): string {
  const line = formatSourceLine(want);
  if (clean) return `${line}\n`;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const at = lines.findIndex((l) => {
    const s = parseSourceLine(l);
    return s !== undefined && sameRepo(s, want);
  });
  if (at >= 0) {
    const cur = parseSourceLine(lines[at]) as SourceLine;
    if (!sameSource(cur, want)) lines[at] = line;
    // Later duplicates of the same repository would override the options apt sees.
    return `${lines.filter((l, i) => i <= at || !(parseSourceLine(l) && sameRepo(parseSourceLine(l) as SourceLine, want))).join('\n')}\n`;
  }
  return `${[...lines, line].join('\n')}\n`;
}

async function checkManaged(args: StateArgs, ctx: StateContext): Promise<Plan<RepoOps>> {
  const name = args.name;
  const parsed = parseSourceLine(name);
  if (!parsed) return failed(`Failed to configure repo '${name}': not a one-line apt source ('deb [options] uri suite components')`);
  const keyring = optString(args.keyring);
  if (keyring && !parsed.options['signed-by']) parsed.options['signed-by'] = keyring;
  const writes: Write[] = [];
  const changes: Changes = {};
  const keyText = optString(args.key_text);
  if (keyText) {
    const keyPath = parsed.options['signed-by'];
    if (!keyPath || !keyPath.startsWith('/')) return failed(`Failed to configure repo '${name}': key_text needs a signed-by option or a keyring path`);
    const data = keyFileContent(keyPath, keyText);
    if (!data) return failed(`Failed to configure repo '${name}': key_text is not an ASCII-armored OpenPGP key`);
    const cur = await ctx.facts.get(contentFact, keyPath);
    if (!cur || !cur.data.equals(data)) {
      writes.push({ path: keyPath, data });
      changes.keyring = keyPath;
    }
  }
  const file = optString(args.file) ?? defaultSourceFile(parsed);
  if (!file.startsWith('/')) return failed(`Failed to configure repo '${name}': file must be an absolute path`);
  const before = await readText(ctx, file);
  const after = withSource(before ?? '', parsed, flag(args.clean_file));
  if (after !== before) {
    writes.push({ path: file, data: Buffer.from(after) });
    const old = (before ?? '').split('\n').find((l) => {
      const s = parseSourceLine(l);
      return s !== undefined && sameRepo(s, parsed);
    });
    changes.repo = old && !after.split('\n').includes(old.trim()) ? { old: old.trim(), new: formatSourceLine(parsed) } : name;
    if (before !== null && flag(args.clean_file)) changes.file = file;
  }
  if (!writes.length) return converged(`Package repo '${name}' already configured`);
  return pending(changes, `Package repo '${name}' would be configured. ${WARN_TAIL}`, {
    name, writes, refresh: wantsRefresh(args), done: `Configured package repo '${name}'`,
  });
}

async function applyRepo(plan: Plan<RepoOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  for (const w of ops.writes) {
    const abs = join(ctx.root, w.path);
    await backupFile(w.path, { ...ctx.backup, root: ctx.root });
    if (w.data === null) {
      await fsp.rm(abs, { force: true });
    } else {
      await fsp.mkdir(dirname(abs), { recursive: true, mode: 0o755 });
      await writeFileAtomic(abs, w.data, { mode: 0o644 });
    }
    ctx.facts.invalidatePath(w.path);
  }
  invalidateLists(ctx.facts);
  if (ops.refresh) {
    const r = await ctx.facts.get(aptUpdateFact, '');
    if (!r.ok) return { result: false, changes: plan.changes, comment: `${ops.done}, but refreshing the package database failed: ${r.comment}` };
  }
  return { changes: plan.changes, comment: ops.done };
}

/** Files that may hold the repository: the given one, or sources.list and every sources.list.d/*.list. */
async function candidateFiles(args: StateArgs, ctx: StateContext): Promise<string[]> {
  const file = optString(args.file);
  if (file) return [file];
  let names: string[] = [];
  try {
    names = (await fsp.readdir(join(ctx.root, 'etc/apt/sources.list.d'))).filter((n) => n.endsWith('.list')).sort();
  } catch {
    // no directory: only sources.list
  }
  return ['/etc/apt/sources.list', ...names.map((n) => `/etc/apt/sources.list.d/${n}`)];
}

async function checkAbsent(args: StateArgs, ctx: StateContext): Promise<Plan<RepoOps>> {
  const name = args.name;
  const parsed = parseSourceLine(name);
  if (!parsed) return failed(`Failed to remove repo '${name}': not a one-line apt source ('deb [options] uri suite components')`);
  const writes: Write[] = [];
  for (const path of await candidateFiles(args, ctx)) {
    const text = await readText(ctx, path);
    if (text === null) continue;
    const lines = text.split('\n');
    const kept = lines.filter((l) => {
      const s = parseSourceLine(l);
      return !(s && sameRepo(s, parsed));
    });
    if (kept.length === lines.length) continue;
    const left = kept.some((l) => parseSourceLine(l));
    // A .list file with no source left goes away, as Salt does; sources.list itself stays.
    writes.push({ path, data: left || path === '/etc/apt/sources.list' ? Buffer.from(kept.join('\n')) : null });
  }
  if (!writes.length) return converged(`Package repo ${name} is absent`);
  return pending({ repo: name }, `Package repo '${name}' will be removed. ${WARN_TAIL}`, {
    name, writes, refresh: false, done: `Removed repo ${name}`,
  });
}

export const managed: StateFunction<RepoOps> = {
  doc: '', args: untypedArgs([], ['file', 'clean_file', 'refresh', 'refresh_db', 'key_text', 'keyring', 'humanname']),
  check: checkManaged,
  apply: applyRepo,
};

export const absent: StateFunction<RepoOps> = {
  doc: '', args: untypedArgs([], ['file', 'keyid', 'key_url']),
  check: checkAbsent,
  apply: applyRepo,
};

const pkgrepoModule: StateModule = { managed, absent };
export default pkgrepoModule;
