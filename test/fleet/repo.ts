// The fleet's local apt repository: the configured packages and every dependency they need beyond
// the base root filesystem, downloaded once from the machine's Debian mirror into a flat repository
// (`pool/*.deb`, `Packages`, `Release`). Hosts never reach the internet; they install from this.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mirrorSourcesList, type DebianMirror } from './apt-sources.ts';
import { BASE_SUITE } from './base.ts';
import { buildInto, DIE_WITH_PARENT } from './build-dir.ts';
import { cacheKey, type CacheLayout } from './cache-layout.ts';
import { FleetError } from './errors.ts';
import { buildProgress } from './progress.ts';
import { renderRelease } from './release.ts';
import { run } from './run.ts';

export const DEFAULT_PACKAGE_LIST = new URL('./packages.txt', import.meta.url).pathname;
/** Bumped whenever the layout of a built repository changes. */
const REPO_FORMAT = 1;

/** One package name per line; `#` starts a comment. */
export function parsePackageList(text: string): string[] {
  const names = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  for (const n of names) if (!/^[a-z0-9][a-z0-9+.-]+$/.test(n)) throw new Error(`not a Debian package name: "${n}"`);
  return [...new Set(names)].sort();
}

export function repoKey(baseKey: string, packages: readonly string[]): string {
  return cacheKey({ base: baseKey, packages: [...packages].sort(), format: REPO_FORMAT });
}

export function findRepo(layout: CacheLayout, key: string): string | undefined {
  const dir = layout.repo(key);
  return existsSync(join(dir, 'Release')) ? dir : undefined;
}

/** Package names listed in a `Packages` index. */
export function indexedPackages(packagesIndex: string): Set<string> {
  return new Set([...packagesIndex.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
}

export interface RepoBuild {
  layout: CacheLayout;
  key: string;
  baseRootfs: string;
  mirror: DebianMirror;
  packages: readonly string[];
  log: (line: string) => void;
}

export async function buildRepo(b: RepoBuild): Promise<string> {
  const final = b.layout.repo(b.key);
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const step = 'build repository';
  b.log(`building the package repository from ${b.mirror.archive} (once): ${b.packages.join(' ')}`);
  await buildInto(final, step, async (tmp, signal) => {
    mkdirSync(join(tmp, 'pool', 'partial'), { recursive: true });
    const apt = aptOptions(b.layout.apt, b.baseRootfs, b.mirror);
    const progress = buildProgress(b.log);
    try {
      await run([...DIE_WITH_PARENT, 'apt-get', ...apt, 'update', '-q'], { env, step, onLine: progress.line, signal });
      const download = [
        '-o',
        `Dir::Cache::archives=${join(tmp, 'pool')}/`,
        'install',
        '--download-only',
        '-y',
        '-q',
        ...b.packages,
      ];
      await run([...DIE_WITH_PARENT, 'apt-get', ...apt, ...download], { env, step, onLine: progress.line, signal });
    } finally {
      progress.flush();
    }
    rmSync(join(tmp, 'pool', 'partial'), { recursive: true, force: true });
    rmSync(join(tmp, 'pool', 'lock'), { force: true });
    const arch = (await run(['dpkg', '--print-architecture'], { step })).stdout.trim();
    const scan = await run(['dpkg-scanpackages', '--multiversion', 'pool'], { cwd: tmp, step, signal });
    const index = Buffer.from(scan.stdout);
    checkComplete(b, indexedPackages(scan.stdout));
    const gz = gzipSync(index, { level: 9 });
    writeFileSync(join(tmp, 'Packages'), index);
    writeFileSync(join(tmp, 'Packages.gz'), gz);
    const release = renderRelease(
      [
        { name: 'Packages', content: index },
        { name: 'Packages.gz', content: gz },
      ],
      new Date(),
      [arch, 'all'],
    );
    writeFileSync(join(tmp, 'Release'), release);
  });
  const count = readdirSync(join(final, 'pool')).length;
  b.log(`package repository ready in ${Math.round((Date.now() - started) / 1000)} s: ${count} packages in ${final}`);
  return final;
}

/** Every requested package must be in the base already or in the repository. */
function checkComplete(b: RepoBuild, inRepo: Set<string>): void {
  const status = readFileSync(join(b.baseRootfs, 'var/lib/dpkg/status'), 'utf8');
  const inBase = new Set([...status.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
  const missing = b.packages.filter((p) => !inRepo.has(p) && !inBase.has(p));
  if (missing.length)
    throw new FleetError(`packages neither in the base nor downloaded: ${missing.join(' ')}`, {
      step: 'build repository',
    });
}

/**
 * apt options for downloading on this machine as if installing into the base: the machine's Debian
 * mirror only (no third-party sources or pinning), private lists and state, and the base's dpkg
 * status, so exactly the packages the base lacks are fetched.
 */
function aptOptions(aptDir: string, baseRootfs: string, mirror: DebianMirror): string[] {
  const empty = join(aptDir, 'empty');
  for (const d of [empty, join(aptDir, 'state', 'lists', 'partial'), join(aptDir, 'cache', 'archives', 'partial')])
    mkdirSync(d, { recursive: true });
  writeFileSync(join(aptDir, 'sources.list'), mirrorSourcesList(mirror, BASE_SUITE));
  const o = (kv: string) => ['-o', kv];
  return [
    ...o(`Dir::Etc::sourcelist=${join(aptDir, 'sources.list')}`),
    ...o(`Dir::Etc::sourceparts=${empty}`),
    ...o(`Dir::Etc::preferences=${join(empty, 'preferences')}`),
    ...o(`Dir::Etc::preferencesparts=${empty}`),
    ...o(`Dir::State=${join(aptDir, 'state')}`),
    ...o(`Dir::State::status=${join(baseRootfs, 'var/lib/dpkg/status')}`),
    ...o(`Dir::Cache=${join(aptDir, 'cache')}`),
    ...o('Debug::NoLocking=true'),
    ...o('APT::Sandbox::User=root'),
    ...o('APT::Install-Recommends=true'),
  ];
}
