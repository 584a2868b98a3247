// pkgrepo.managed / pkgrepo.absent for apt: one-line sources in a .list file, the
// repository's key (given as armored text, never fetched) in its signed-by keyring.
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { contentFact } from '../facts/content.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { backupFile } from '../store/backup.ts';
import { aptUpdateFact, invalidateLists } from '../backends/apt.ts';
import {
  defaultSourceFile,
  formatSourceLine,
  keyFileContent,
  parseSourceLine,
  sameRepo,
  sameSource,
  type SourceLine,
} from '../backends/apt-sources.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const FILE = {
  type: 'string',
  doc: 'The sources file (default: one named after the repository under sources.list.d)',
} as const;
const MANAGED_ARGS = declareArgs({
  file: FILE,
  clean_file: { type: 'bool', default: false, doc: 'The file holds only this repository' },
  refresh: { type: 'bool', doc: 'Run apt-get update after a change (default true)' },
  refresh_db: { type: 'bool', doc: 'The older spelling of refresh' },
  key_text: { type: 'string', doc: 'The armored signing key, written to keyring' },
  keyring: { type: 'string', doc: 'Where key_text is written (the signed-by file)' },
  humanname: { type: 'string', doc: 'A display name', unsupported: 'apt sources have no display name' },
  keyid: { type: 'string', doc: 'A key to fetch from keyserver', unsupported: 'give key_text' },
  keyserver: { type: 'string', doc: 'The keyserver of keyid', unsupported: 'give key_text' },
  key_url: { type: 'string', doc: 'A URL to fetch the key from', unsupported: 'give key_text' },
  disabled: { type: 'bool', default: false, doc: 'Keep the line commented out', unsupported: 'use pkgrepo.absent' },
});
const ABSENT_ARGS = declareArgs({
  file: FILE,
  keyid: { type: 'string', doc: 'Also remove this signing key', unsupported: 'signing keys are left in place' },
  key_url: { type: 'string', doc: 'Also remove the key from this URL', unsupported: 'signing keys are left in place' },
});
type ManagedArgs = ArgsOf<typeof MANAGED_ARGS>;

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

const WARN_TAIL =
  'This may cause pkg states to behave differently than stated if this action is repeated without test=True, due to the differences in the configured repositories.';

async function readText(ctx: StateContext, path: string): Promise<string | null> {
  const c = await ctx.facts.get(contentFact, path);
  return c ? c.text : null;
}

/** `refresh` (Salt also spells it refresh_db), default true. */
const wantsRefresh = (args: ManagedArgs): boolean => args.refresh ?? args.refresh_db ?? true;

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

async function checkManaged(args: ManagedArgs, ctx: StateContext): Promise<Plan<RepoOps>> {
  const name = args.name;
  const parsed = parseSourceLine(name);
  if (!parsed)
    return failed(
      `Failed to configure repo '${name}': not a one-line apt source ('deb [options] uri suite components')`,
    );
  const { keyring } = args;
  if (keyring && !parsed.options['signed-by']) parsed.options['signed-by'] = keyring;
  const writes: Write[] = [];
  const changes: Changes = {};
  const keyText = args.key_text;
  if (keyText) {
    const keyPath = parsed.options['signed-by'];
    if (!keyPath || !keyPath.startsWith('/'))
      return failed(`Failed to configure repo '${name}': key_text needs a signed-by option or a keyring path`);
    const data = keyFileContent(keyPath, keyText);
    if (!data) return failed(`Failed to configure repo '${name}': key_text is not an ASCII-armored OpenPGP key`);
    const cur = await ctx.facts.get(contentFact, keyPath);
    if (!cur || !cur.data.equals(data)) {
      writes.push({ path: keyPath, data });
      changes.keyring = keyPath;
    }
  }
  const file = args.file ?? defaultSourceFile(parsed);
  if (!file.startsWith('/')) return failed(`Failed to configure repo '${name}': file must be an absolute path`);
  const before = await readText(ctx, file);
  const after = withSource(before ?? '', parsed, args.clean_file);
  if (after !== before) {
    writes.push({ path: file, data: Buffer.from(after) });
    const old = (before ?? '').split('\n').find((l) => {
      const s = parseSourceLine(l);
      return s !== undefined && sameRepo(s, parsed);
    });
    changes.repo =
      old && !after.split('\n').includes(old.trim()) ? { old: old.trim(), new: formatSourceLine(parsed) } : name;
    if (before !== null && args.clean_file) changes.file = file;
  }
  if (!writes.length) return converged(`Package repo '${name}' already configured`);
  return pending(changes, `Package repo '${name}' would be configured. ${WARN_TAIL}`, {
    name,
    writes,
    refresh: wantsRefresh(args),
    done: `Configured package repo '${name}'`,
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
    if (!r.ok)
      return {
        result: false,
        changes: plan.changes,
        comment: `${ops.done}, but refreshing the package database failed: ${r.comment}`,
      };
  }
  return { changes: plan.changes, comment: ops.done };
}

/** Files that may hold the repository: the given one, or sources.list and every sources.list.d/*.list. */
async function candidateFiles(args: { file?: string }, ctx: StateContext): Promise<string[]> {
  const { file } = args;
  if (file) return [file];
  let names: string[] = [];
  try {
    names = (await fsp.readdir(join(ctx.root, 'etc/apt/sources.list.d'))).filter((n) => n.endsWith('.list')).sort();
  } catch {
    // no directory: only sources.list
  }
  return ['/etc/apt/sources.list', ...names.map((n) => `/etc/apt/sources.list.d/${n}`)];
}

async function checkAbsent(args: ArgsOf<typeof ABSENT_ARGS>, ctx: StateContext): Promise<Plan<RepoOps>> {
  const name = args.name;
  const parsed = parseSourceLine(name);
  if (!parsed)
    return failed(`Failed to remove repo '${name}': not a one-line apt source ('deb [options] uri suite components')`);
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
    name,
    writes,
    refresh: false,
    done: `Removed repo ${name}`,
  });
}

export const managed = defineState({
  doc: 'An apt source line is in a sources file (with its signing key from key_text)',
  args: MANAGED_ARGS,
  check: checkManaged,
  apply: applyRepo,
});

export const absent = defineState({
  doc: 'An apt source line is in no sources file',
  args: ABSENT_ARGS,
  check: checkAbsent,
  apply: applyRepo,
});

const pkgrepoModule: StateModule = { managed, absent };
export default pkgrepoModule;
