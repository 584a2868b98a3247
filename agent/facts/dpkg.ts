// The dpkg database: every package dpkg knows, read from dpkg's status file, or from one
// `dpkg-query -W` call when the file is missing or dpkg has journal entries not merged into it yet.
import { readdirSync, readFileSync } from 'node:fs';
import type { Fact } from './cache.ts';

/** One field per column, tab-separated: name, version, status triple, architecture. */
export const DPKG_QUERY_FORMAT = '${Package}\t${Version}\t${Status}\t${Architecture}\n';

export interface DpkgPackage {
  name: string;
  version: string;
  arch: string;
  /** Selection: install, hold, deinstall, purge, unknown. */
  want: string;
  /** Package state: installed, config-files, half-installed, unpacked, not-installed… */
  status: string;
}

export interface DpkgDb {
  /** Installed packages by name (and by `name:arch` for every architecture). */
  installed: Map<string, DpkgPackage>;
  /** Removed packages whose configuration files remain (`rc`), by name. */
  configFiles: Map<string, DpkgPackage>;
}

/** Pure: dpkg-query output in DPKG_QUERY_FORMAT → the database. Malformed lines are skipped. */
export function parseDpkgQuery(text: string): DpkgDb {
  const db: DpkgDb = { installed: new Map(), configFiles: new Map() };
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 4 || !f[0]) continue;
    const [want = '', , status = ''] = f[2].trim().split(/\s+/);
    const pkg: DpkgPackage = { name: f[0], version: f[1], arch: f[3].trim(), want, status };
    if (status === 'installed') {
      // The first architecture seen owns the bare name; every one is reachable qualified.
      if (!db.installed.has(pkg.name)) db.installed.set(pkg.name, pkg);
      db.installed.set(`${pkg.name}:${pkg.arch}`, pkg);
    } else if (status === 'config-files') {
      db.configFiles.set(pkg.name, pkg);
    }
  }
  return db;
}

/** Installed versions by bare name (what Salt's pkg.list_pkgs reports). */
export function installedVersions(db: DpkgDb): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, pkg] of db.installed) if (!key.includes(':')) out.set(key, pkg.version);
  return out;
}

/** Salt's changes between two databases: `{name: {old, new}}` for what appeared, went or moved. */
export function versionChanges(before: DpkgDb, after: DpkgDb): Record<string, { old: string; new: string }> {
  const a = installedVersions(before);
  const b = installedVersions(after);
  const out: Record<string, { old: string; new: string }> = {};
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const old = a.get(name) ?? '';
    const now = b.get(name) ?? '';
    if (old !== now) out[name] = { old, new: now };
  }
  return out;
}

/**
 * Pure: the text of dpkg's status file → the same lines `dpkg-query -W -f=DPKG_QUERY_FORMAT` prints
 * for it (name, version, status triple, architecture per package).
 */
export function statusFileToQuery(text: string): string {
  const out: string[] = [];
  for (const para of text.split(/\n\n+/)) {
    const f: Record<string, string> = {};
    for (const line of para.split('\n')) {
      if (!line || line[0] === ' ' || line[0] === '\t') continue; // continuation of a multi-line field
      const colon = line.indexOf(':');
      if (colon > 0) f[line.slice(0, colon)] = line.slice(colon + 1).trim();
    }
    if (f.Package) out.push(`${f.Package}\t${f.Version ?? ''}\t${f.Status ?? ''}\t${f.Architecture ?? ''}\n`);
  }
  return out.join('');
}

/** The status file as dpkg-query lines, or undefined when dpkg-query must be asked instead. */
function readStatusFile(admindir: string): string | undefined {
  try {
    // Journal entries of an interrupted dpkg are only merged by dpkg itself.
    if (readdirSync(`${admindir}/updates`).some((f) => /^\d+$/.test(f))) return undefined;
    return statusFileToQuery(readFileSync(`${admindir}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The dpkg database; the key is unused (''). A root other than '/' is read with --admindir. */
export const dpkgFact: Fact<string, DpkgDb> = {
  name: 'dpkg',
  async gather(_key, env) {
    const fromFile = readStatusFile(`${env.root.replace(/\/+$/, '')}/var/lib/dpkg`);
    if (fromFile !== undefined) return fromFile;
    const argv = ['dpkg-query'];
    if (env.root !== '/') argv.push(`--admindir=${env.root.replace(/\/+$/, '')}/var/lib/dpkg`);
    argv.push('-W', `-f=${DPKG_QUERY_FORMAT}`);
    const r = await env.run(argv, { env: { LC_ALL: 'C' } });
    // An empty database makes dpkg-query exit 1 with "no packages found": that is an answer.
    if (r.code !== 0 && !/no packages found/i.test(r.stderr)) {
      throw new Error(`dpkg-query failed (exit ${r.code}): ${r.stderr.trim() || r.error || ''}`.trim());
    }
    return r.stdout;
  },
  parse: (raw) => parseDpkgQuery(raw),
};
