// The base root filesystem every fleet host's overlay sits on: Debian bookworm, debootstrap's
// minbase variant plus sshd, Node.js (Debian 12's v18, the oldest Node the agent supports), Python
// with its apt bindings (what Ansible needs on a managed host, for the side-by-side benchmark) and
// the tools a host needs. Built once per content key; never modified after it is complete.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebianMirror } from './apt-sources.ts';
import { buildInto, DIE_WITH_PARENT } from './build-dir.ts';
import { cacheKey, type CacheLayout } from './cache-layout.ts';
import { FleetError } from './errors.ts';
import { buildProgress } from './progress.ts';
import { run } from './run.ts';

export const BASE_SUITE = 'bookworm';
export const BASE_VARIANT = 'minbase';
export const BASE_PACKAGES = [
  'openssh-server',
  'nodejs',
  'iproute2',
  'procps',
  'sudo',
  'netbase',
  'python3',
  'python3-apt',
];
/** Where each host sees the fleet's package repository (a read-only bind mount). */
export const REPO_MOUNT = '/srv/halite-fleet-repo';
/** Bumped whenever the preparation below changes what a base contains. */
const BASE_FORMAT = 1;

export function baseKey(): string {
  return cacheKey({ suite: BASE_SUITE, variant: BASE_VARIANT, packages: BASE_PACKAGES, format: BASE_FORMAT });
}

/** The root filesystem directory of a complete base, or undefined when it is not built yet. */
export function findBase(layout: CacheLayout, key = baseKey()): string | undefined {
  const dir = layout.base(key);
  return existsSync(join(dir, 'manifest.json')) ? join(dir, 'rootfs') : undefined;
}

export async function buildBase(
  layout: CacheLayout,
  mirror: DebianMirror,
  log: (line: string) => void,
): Promise<string> {
  const key = baseKey();
  const final = layout.base(key);
  mkdirSync(layout.debootstrap, { recursive: true });
  log(`building the base root filesystem: debootstrap ${BASE_SUITE} from ${mirror.archive} (once; a minute or two)`);
  const started = Date.now();
  await buildInto(final, 'build base', async (tmp, signal) => {
    const rootfs = join(tmp, 'rootfs');
    mkdirSync(rootfs);
    const progress = buildProgress(log);
    try {
      await run(
        [
          ...DIE_WITH_PARENT,
          'debootstrap',
          `--variant=${BASE_VARIANT}`,
          `--include=${BASE_PACKAGES.join(',')}`,
          '--components=main',
          `--keyring=${mirror.keyring}`,
          `--cache-dir=${layout.debootstrap}`,
          BASE_SUITE,
          rootfs,
          mirror.archive,
        ],
        {
          step: 'build base',
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
          onLine: progress.line,
          signal,
        },
      );
    } catch (e) {
      const logFile = join(rootfs, 'debootstrap', 'debootstrap.log');
      const detail = existsSync(logFile)
        ? `debootstrap.log (tail):\n${readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n')}`
        : '';
      if (e instanceof FleetError && detail && !signal.aborted)
        throw new FleetError('debootstrap failed', { ...e, detail });
      throw e;
    } finally {
      progress.flush();
    }
    prepareBase(rootfs);
    writeFileSync(
      join(tmp, 'manifest.json'),
      `${JSON.stringify({ key, suite: BASE_SUITE, packages: BASE_PACKAGES, mirror: mirror.archive, builtAt: new Date().toISOString() }, null, 2)}\n`,
    );
  });
  log(`base root filesystem ready in ${Math.round((Date.now() - started) / 1000)} s: ${final}`);
  return join(final, 'rootfs');
}

/**
 * Removes what must not be shared between hosts or must come from the fleet: sshd host keys (each
 * host gets fresh ones), the bootstrap mirror's apt source and lists, downloaded packages.
 */
function prepareBase(rootfs: string): void {
  const clear = (dir: string, keep: (name: string) => boolean = () => false) => {
    const abs = join(rootfs, dir);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs)) if (!keep(name)) rmSync(join(abs, name), { recursive: true, force: true });
  };
  clear('etc/ssh', (n) => !n.startsWith('ssh_host_'));
  clear('var/lib/apt/lists', (n) => n === 'partial' || n === 'lock');
  clear('var/cache/apt/archives', (n) => n === 'partial' || n === 'lock');
  clear('var/cache/apt', (n) => !n.endsWith('.bin'));
  rmSync(join(rootfs, 'etc/apt/sources.list'), { force: true });
  rmSync(join(rootfs, 'etc/hostname'), { force: true });
  mkdirSync(join(rootfs, REPO_MOUNT.slice(1)), { recursive: true });
}
