// Turning what a state asks for into what apt must install: installed versions from the
// dpkg database, available ones from apt-cache policy (read once for all packages missing).
import { compareVersions, satisfies } from '../../backends/dpkg.ts';
import { candidateFor, readPolicy, type PackagePolicy } from '../../facts/apt-policy.ts';
import type { DpkgDb } from '../../facts/dpkg.ts';
import type { FactCache } from '../../facts/cache.ts';
import type { InstallTarget } from '../../backends/apt.ts';
import { desiredText, type Target } from './targets.ts';

/**
 * Whether an installed version fulfils the target (`allowUpdates`: newer than an exact version is
 * fine; `ignoreEpoch`: versions are compared without their epoch).
 */
export function fulfilled(
  t: Target,
  installed: string | undefined,
  allowUpdates = false,
  ignoreEpoch = false,
): boolean {
  if (installed === undefined) return false;
  if (!t.spec) return true;
  if (t.spec.version === 'latest') return false;
  if (allowUpdates && t.spec.op === '==' && !t.spec.glob && satisfies(installed, { ...t.spec, op: '>=' }, ignoreEpoch))
    return true;
  return satisfies(installed, t.spec, ignoreEpoch);
}

/**
 * Salt's pkg.installed with `version: latest`: the version apt would install (pkg.latest_version),
 * or the installed one when nothing newer is offered; a package neither installed nor offered keeps
 * `latest` and is reported unavailable. After this, 'latest' is an exact version like any other.
 */
export async function resolveLatest(
  facts: FactCache,
  targets: readonly Target[],
  db: DpkgDb,
  fromrepo?: string,
): Promise<Target[]> {
  const latest = targets.filter((t) => t.spec?.version === 'latest');
  if (!latest.length) return [...targets];
  const policy = await readPolicy(
    facts,
    latest.map((t) => t.name),
  );
  return targets.map((t) => {
    if (t.spec?.version !== 'latest') return t;
    const version = candidateFor(policy.get(t.name), fromrepo) ?? db.installed.get(t.name)?.version;
    return version ? { name: t.name, spec: { op: '==', version, glob: false } } : t;
  });
}

/** Versions offered by an archive (not only by the status file), optionally from one release. */
function offered(p: PackagePolicy, fromrepo?: string): string[] {
  return p.versions
    .filter((v) => v.sources.some((s) => s.release !== '' && (!fromrepo || s.release === fromrepo)))
    .map((v) => v.version);
}

/** The exact version apt should install for `t`, '' for "apt's candidate", undefined when none fits. */
export function pickVersion(
  t: Target,
  p: PackagePolicy | undefined,
  fromrepo?: string,
  ignoreEpoch = false,
): string | undefined {
  if (!p) return undefined;
  if (!t.spec || t.spec.version === 'latest') {
    const c = candidateFor(p, fromrepo);
    return c === null ? undefined : t.spec ? c : '';
  }
  const spec = t.spec;
  return offered(p, fromrepo).find((v) => satisfies(v, spec, ignoreEpoch));
}

export interface Resolution {
  /** What apt-get install gets. */
  install: InstallTarget[];
  /** Version each target will have (for changes in test mode). */
  expected: Record<string, string>;
  unavailable: string[];
  downgrade: boolean;
}

/** Resolves the targets that are not yet fulfilled, with one policy read. */
export async function resolveInstall(
  facts: FactCache,
  need: readonly Target[],
  db: DpkgDb,
  fromrepo?: string,
  ignoreEpoch = false,
): Promise<Resolution> {
  const res: Resolution = { install: [], expected: {}, unavailable: [], downgrade: false };
  if (!need.length) return res;
  const policy = await readPolicy(
    facts,
    need.map((t) => t.name),
  );
  for (const t of need) {
    const p = policy.get(t.name);
    const v = pickVersion(t, p, fromrepo, ignoreEpoch);
    if (v === undefined) {
      res.unavailable.push(desiredText(t));
      continue;
    }
    const exact = v || (candidateFor(p as PackagePolicy, fromrepo) ?? '');
    const pinned = t.spec !== undefined;
    res.install.push(pinned ? { name: t.name, version: v } : { name: t.name });
    res.expected[t.name] = exact || 'installed';
    const cur = db.installed.get(t.name)?.version;
    if (cur !== undefined && exact && compareVersions(exact, cur) < 0) res.downgrade = true;
  }
  return res;
}
