// apt-get as argv: install, remove, purge, update and hold, never prompting and keeping
// local configuration files. Package lists are refreshed at most once per run (a fact),
// again after a repository changes.
import { mkdirSync, promises as fsp, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fact, FactCache } from '../facts/cache.ts';
import type { RunResult, Runner } from '../process/run.ts';

export const APT_ENV: Readonly<Record<string, string>> = Object.freeze({
  DEBIAN_FRONTEND: 'noninteractive',
  APT_LISTCHANGES_FRONTEND: 'none',
  NEEDRESTART_MODE: 'l',
  LC_ALL: 'C',
});

const APT_GET = [
  'apt-get',
  '-q',
  '-y',
  '-o',
  'DPkg::Options::=--force-confold',
  '-o',
  'DPkg::Options::=--force-confdef',
];

export interface InstallTarget {
  name: string;
  /** Exact version to install (`name=version`). */
  version?: string;
}

export interface InstallOptions {
  /** Target release (`-t`), Salt's fromrepo. */
  fromrepo?: string;
  /** undefined keeps apt's own setting. */
  installRecommends?: boolean;
  /** Allow downgrades when an older exact version is asked for. */
  allowDowngrades?: boolean;
  /** Install the packages again even when they are at the version asked for (`--reinstall`). */
  reinstall?: boolean;
  /** Upgrade only packages already installed (`--only-upgrade`): apt skips the others. */
  onlyUpgrade?: boolean;
  /** Held packages may change version (`--allow-change-held-packages`), Salt's update_holds. */
  changeHeld?: boolean;
}

export function installArgv(targets: readonly InstallTarget[], o: InstallOptions = {}): string[] {
  const argv = [...APT_GET];
  if (o.fromrepo) argv.push('-t', o.fromrepo);
  if (o.installRecommends === true) argv.push('--install-recommends');
  if (o.installRecommends === false) argv.push('--no-install-recommends');
  if (o.allowDowngrades) argv.push('--allow-downgrades');
  if (o.changeHeld) argv.push('--allow-change-held-packages');
  if (o.onlyUpgrade) argv.push('--only-upgrade');
  if (o.reinstall) argv.push('--reinstall');
  argv.push('install', ...targets.map((t) => (t.version ? `${t.name}=${t.version}` : t.name)));
  return argv;
}

export function removeArgv(names: readonly string[], purge: boolean): string[] {
  return [...APT_GET, purge ? 'purge' : 'remove', ...names];
}

export const UPDATE_ARGV: readonly string[] = ['apt-get', '-q', 'update'];

export function markArgv(names: readonly string[], hold: boolean): string[] {
  return ['apt-mark', hold ? 'hold' : 'unhold', ...names];
}

/** Runs an apt command with the non-interactive environment. */
export function runApt(run: Runner, argv: readonly string[]): Promise<RunResult> {
  return run([...argv], { env: { ...APT_ENV } });
}

/** A short, clear account of a failed command: its `E:` lines, else the tail of its output. */
export function failureText(r: RunResult, lines = 6): string {
  const all = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  const errors = all.filter((l) => /^(E|Err):/.test(l));
  const picked = errors.length ? errors : r.stderr.trim() ? r.stderr.trim().split('\n') : all;
  const tail = picked.slice(-lines).join('\n');
  return tail || r.error || `exit code ${r.code}`;
}

async function mtimes(dir: string, keep: (name: string) => boolean): Promise<number[]> {
  try {
    const names = await fsp.readdir(dir);
    const out: number[] = [];
    for (const n of names.filter(keep)) {
      try {
        out.push((await fsp.stat(join(dir, n))).mtimeMs);
      } catch {
        // vanished between readdir and stat
      }
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * Written after every successful refresh: apt leaves the lists of a repository that did not change
 * untouched (a 304, or a local repository), so their age alone would call them stale for ever.
 */
export const UPDATE_STAMP = 'var/lib/halite/apt-update.stamp';

/**
 * Whether the package lists need an update: sources exist and the lists are missing, or both they
 * and the last refresh are older than the newest source file. apt gives list files the time the
 * repository published them, so the last refresh is read from the lists directories (apt-get
 * update writes there every time) and from the stamp halite writes after its own refreshes.
 */
export async function listsStale(root: string): Promise<boolean> {
  const etc = join(root, 'etc/apt');
  const sources = [
    ...(await mtimes(etc, (n) => n === 'sources.list')),
    ...(await mtimes(join(etc, 'sources.list.d'), (n) => n.endsWith('.list') || n.endsWith('.sources'))),
  ];
  if (!sources.length) return false;
  const lists = await mtimes(join(root, 'var/lib/apt/lists'), (n) =>
    /(_InRelease|_Release|_Packages(\.\w+)?)$/.test(n),
  );
  if (!lists.length) return true;
  // apt gives list files the repository's own time; the directories show when an update ran
  const updated = [
    ...(await mtimes(join(root, 'var/lib/apt'), (n) => n === 'lists')),
    ...(await mtimes(join(root, 'var/lib/apt/lists'), (n) => n === 'partial')),
    ...(await mtimes(join(root, UPDATE_STAMP, '..'), (n) => n === 'apt-update.stamp')),
  ];
  return Math.max(...sources) > Math.max(...lists, ...updated);
}

export interface UpdateResult {
  ok: boolean;
  comment: string;
}

/** `apt-get update`, run once per run: asking again returns the first answer. */
export const aptUpdateFact: Fact<RunResult, UpdateResult> = {
  name: 'apt-update',
  gather: (_key, env) => runApt(env.run, UPDATE_ARGV),
  parse: (r) => (r.code === 0 ? { ok: true, comment: '' } : { ok: false, comment: failureText(r) }),
};

/**
 * Whether the lists were updated less than `seconds` ago (Salt's cache_valid_time): the lists
 * directory's time, which apt-get update sets every time it runs.
 */
async function listsYoungerThan(root: string, seconds: number): Promise<boolean> {
  const [updated] = await mtimes(join(root, 'var/lib/apt'), (n) => n === 'lists');
  return updated !== undefined && updated + seconds * 1000 > Date.now();
}

/**
 * Refreshes the package lists when asked (`force`) or when they are stale, at most once per
 * run, unless they were updated less than `cacheValidTime` seconds ago. Returns an error text
 * when the update failed.
 */
export async function ensureLists(
  facts: FactCache,
  root: string,
  force: boolean,
  cacheValidTime?: number,
): Promise<string | undefined> {
  if (!force && !(await listsStale(root))) return undefined;
  if (cacheValidTime && (await listsYoungerThan(root, cacheValidTime))) return undefined;
  const r = await facts.get(aptUpdateFact, '');
  if (r.ok) {
    stampUpdate(root);
    return undefined;
  }
  return `Error while refreshing the package database: ${r.comment}`;
}

function stampUpdate(root: string): void {
  try {
    const stamp = join(root, UPDATE_STAMP);
    mkdirSync(join(stamp, '..'), { recursive: true });
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  } catch {
    // without the stamp the next run refreshes again: slower, not wrong
  }
}

/** After sources change: the next refresh must run again and candidates must be re-read. */
export function invalidateLists(facts: FactCache): void {
  facts.invalidate(aptUpdateFact);
  facts.invalidate('apt-policy');
}
