// Makes sure the cache holds a base root filesystem and a package repository for the configured
// package list, building what is missing (minutes, once) and reusing what is there (instant).
// What builds that did not finish left behind is removed first.
import { mkdirSync, readFileSync } from 'node:fs';
import { findDebianMirror, readMachineSources } from './apt-sources.ts';
import { baseKey, buildBase, findBase } from './base.ts';
import { removeLeftovers } from './build-dir.ts';
import { cacheLayout, cacheRoot, type CacheLayout } from './cache-layout.ts';
import { FleetError } from './errors.ts';
import { interruptible, interruption } from './interrupt.ts';
import { withLock } from './lock.ts';
import { BUILD_PACKAGES, ensureMachinePackages } from './machine-packages.ts';
import { buildRepo, DEFAULT_PACKAGE_LIST, findRepo, parsePackageList, repoKey } from './repo.ts';

export interface CacheOptions {
  /** Default: $HALITE_FLEET_CACHE or /var/cache/halite-fleet. */
  cacheDir?: string;
  /** Packages the repository offers. Default: the list in test/fleet/packages.txt. */
  packages?: readonly string[];
  log?: (line: string) => void;
}

export interface FleetCache {
  layout: CacheLayout;
  /** The base root filesystem (an overlay's lower directory). */
  baseRootfs: string;
  /** The flat apt repository directory. */
  repo: string;
  packages: string[];
}

export function defaultPackages(): string[] {
  return parsePackageList(readFileSync(DEFAULT_PACKAGE_LIST, 'utf8'));
}

export async function ensureCache(opts: CacheOptions = {}): Promise<FleetCache> {
  const log = opts.log ?? (() => {});
  const layout = cacheLayout(cacheRoot(opts.cacheDir));
  const packages = opts.packages ? parsePackageList(opts.packages.join('\n')) : defaultPackages();
  const bKey = baseKey();
  const rKey = repoKey(bKey, packages);
  const ready = () => {
    const baseRootfs = findBase(layout, bKey);
    const repo = findRepo(layout, rKey);
    return baseRootfs && repo ? { layout, baseRootfs, repo, packages } : undefined;
  };
  await removeLeftovers(layout.root, log, { lock: layout.lock });
  const warm = ready();
  if (warm) return warm;
  mkdirSync(layout.root, { recursive: true });
  const waiting = () => log('waiting for another process building the fleet cache');
  return interruptible(
    withLock(layout.lock, waiting, interruption(), async () => {
      const again = ready(); // built by the process we waited for
      if (again) return again;
      await removeLeftovers(layout.root, log, { noBuildRuns: true }); // only a lock holder builds
      await ensureMachinePackages(BUILD_PACKAGES, log);
      let mirror;
      try {
        mirror = findDebianMirror(readMachineSources());
      } catch (e) {
        throw new FleetError((e as Error).message, { step: 'find mirror' });
      }
      const baseRootfs = findBase(layout, bKey) ?? (await buildBase(layout, mirror, log));
      const repo =
        findRepo(layout, rKey) ?? (await buildRepo({ layout, key: rKey, baseRootfs, mirror, packages, log }));
      return { layout, baseRootfs, repo, packages };
    }),
  );
}
