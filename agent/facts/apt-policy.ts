// Candidate versions: one `apt-cache policy NAME…` call for every package a run asks about.
import type { Fact, FactCache } from './cache.ts';

export interface PolicySource {
  priority: number;
  /** Archive URI, or /var/lib/dpkg/status for the installed copy. */
  uri: string;
  /** Release the source belongs to (`bookworm-security`), '' for the status file. */
  release: string;
  component: string;
}

export interface PolicyVersion {
  version: string;
  priority: number;
  /** Marked `***`: the installed version. */
  installed: boolean;
  sources: PolicySource[];
}

export interface PackagePolicy {
  name: string;
  installed: string | null;
  candidate: string | null;
  /** Highest first, as apt prints the table. */
  versions: PolicyVersion[];
}

const none = (v: string): string | null => (v === '(none)' || v === '' ? null : v);

function source(line: string): PolicySource {
  const [prio, uri = '', dist = ''] = line.trim().split(/\s+/);
  const slash = dist.indexOf('/');
  return {
    priority: Number(prio),
    uri,
    release: slash >= 0 ? dist.slice(0, slash) : dist,
    component: slash >= 0 ? dist.slice(slash + 1) : '',
  };
}

/** Pure: `LC_ALL=C apt-cache policy` output → policy by package name. Unknown names are absent. */
export function parseAptPolicy(text: string): Map<string, PackagePolicy> {
  const out = new Map<string, PackagePolicy>();
  let cur: PackagePolicy | undefined;
  let ver: PolicyVersion | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const head = /^(\S+):$/.exec(line);
    if (head) {
      cur = { name: head[1], installed: null, candidate: null, versions: [] };
      ver = undefined;
      out.set(cur.name, cur);
      continue;
    }
    if (!cur) continue;
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (field) {
      if (field[1] === 'Installed') cur.installed = none(field[2].trim());
      else cur.candidate = none(field[2].trim());
      continue;
    }
    if (/^ {2}Version table:/.test(line)) continue;
    const row = /^ (\*\*\*| {3}) (\S+) (-?\d+)$/.exec(line);
    if (row) {
      ver = { version: row[2], priority: Number(row[3]), installed: row[1] === '***', sources: [] };
      cur.versions.push(ver);
      continue;
    }
    if (ver && /^ {8}-?\d+ \S/.test(line)) ver.sources.push(source(line));
  }
  return out;
}

/** The candidate apt would pick, or the best version offered by release `fromrepo`. */
export function candidateFor(policy: PackagePolicy | undefined, fromrepo?: string): string | null {
  if (!policy) return null;
  if (!fromrepo) return policy.candidate;
  const v = policy.versions.find((x) => x.sources.some((s) => s.release === fromrepo));
  return v ? v.version : null;
}

/** Key: package names separated by spaces. */
export const aptPolicyFact: Fact<string, Map<string, PackagePolicy>> = {
  name: 'apt-policy',
  async gather(key, env) {
    const names = key.split(' ').filter(Boolean);
    if (!names.length) return '';
    const r = await env.run(['apt-cache', 'policy', ...names], { env: { LC_ALL: 'C' } });
    if (r.code !== 0)
      throw new Error(`apt-cache policy failed (exit ${r.code}): ${r.stderr.trim() || r.error || ''}`.trim());
    return r.stdout;
  },
  parse: (raw) => parseAptPolicy(raw),
};

/** Policy for `names` in one call (sorted and deduplicated, so equal sets share the read). */
export function readPolicy(facts: FactCache, names: readonly string[]): Promise<Map<string, PackagePolicy>> {
  return facts.get(aptPolicyFact, [...new Set(names)].sort().join(' '));
}
