// Installs the Debian packages the fleet needs on this machine (the master's side) when they are
// missing, so a fresh machine only needs `npm ci` before `fleet up`.
import { run } from './run.ts';

/** Needed to run a fleet: namespaces, mounts, links, keys and the ssh client. */
export const RUNTIME_PACKAGES = ['util-linux', 'mount', 'iproute2', 'openssh-client'];
/** Needed once more to build the cache: the base root filesystem and the package repository. */
export const BUILD_PACKAGES = ['debootstrap', 'debian-archive-keyring', 'dpkg-dev'];

export async function missingPackages(names: readonly string[]): Promise<string[]> {
  const res = await run(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\n', ...names], {
    reject: false,
    step: 'check machine packages',
  });
  const installed = new Set(
    res.stdout
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name),
  );
  return names.filter((n) => !installed.has(n));
}

export async function ensureMachinePackages(names: readonly string[], log: (line: string) => void): Promise<void> {
  const missing = await missingPackages(names);
  if (missing.length === 0) return;
  log(`installing on this machine: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const step = 'install machine packages';
  await run(['apt-get', 'update', '-qq'], { env, step });
  await run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env, step });
}
