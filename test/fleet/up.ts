// Brings a fleet up: cache (built if missing), network, per-host overlays with fresh keys and the
// fleet's files, hosts booted in parallel, then every sshd checked with a real login through the
// jump host. Any failure, and SIGINT or SIGTERM, takes the half-made fleet down again and reports
// what failed where.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootHost } from './boot.ts';
import { mountHostDisk } from './disk.ts';
import { ensureCache, type FleetCache } from './cache.ts';
import { down } from './down.ts';
import { FleetError } from './errors.ts';
import { Fleet } from './fleet.ts';
import { guestFiles } from './guest-files.ts';
import { interruptible, onInterrupt } from './interrupt.ts';
import { generateKey } from './keys.ts';
import { ensureMachinePackages, RUNTIME_PACKAGES } from './machine-packages.ts';
import { checkNetworkFree, createNetwork } from './network.ts';
import { createOverlayDirs, ensureUpperDir, overlayDirs, writeGuestFile } from './overlay.ts';
import { allHosts, checkFleetName, planFleet, type HostPlan, type HostSpec } from './plan.ts';
import { isRunning } from './proc.ts';
import { removeTree } from './remove.ts';
import { claimSlot } from './slots.ts';
import { renderKnownHosts, renderSshConfig, type SshTarget } from './ssh-config.ts';
import { readState, stateRoot, statePaths, writeState, type FleetState } from './state.ts';

export interface UpOptions {
  /** Role hosts, on the internal network behind the jump host. */
  hosts: readonly HostSpec[];
  /** Default "default". Several fleets with different names can be up at once. */
  name?: string;
  /** Id of the jump host. Default "jump". */
  jumpId?: string;
  /** Packages the fleet's repository offers. Default: test/fleet/packages.txt. */
  packages?: readonly string[];
  /** Default: $HALITE_FLEET_CACHE or /var/cache/halite-fleet. */
  cacheDir?: string;
  /** Default: $HALITE_FLEET_STATE or /run/halite-fleet. */
  stateRoot?: string;
  /** If a fleet of this name is up, take it down first (otherwise that is an error). */
  replace?: boolean;
  /** Leave a fleet that failed to come up as it is, for inspection. */
  keepOnFailure?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export async function up(opts: UpOptions): Promise<Fleet> {
  const name = opts.name ?? 'default';
  checkFleetName(name);
  const log = opts.log ?? (() => {});
  const root = stateRoot(opts.stateRoot);
  const dir = join(root, name);
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  if (process.getuid?.() !== 0) throw new FleetError('must run as root (namespaces, mounts, links)', { step: 'up' });
  planFleet(name, 0, opts.hosts, opts.jumpId); // validate before touching anything

  await ensureMachinePackages(RUNTIME_PACKAGES, log);
  const cache = await ensureCache({ cacheDir: opts.cacheDir, packages: opts.packages, log });

  await clearPrevious(name, dir, root, opts);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    throw new FleetError(`another process is bringing up fleet "${name}"`, { step: 'up' });
  }
  // interrupted (SIGINT, SIGTERM) before the fleet is up: the hosts finish booting, then the
  // fleet is taken down again, so nothing half-made stays behind
  const forget = opts.keepOnFailure
    ? () => {}
    : onInterrupt(() => down(name, { stateRoot: root, cacheDir: opts.cacheDir, log }));
  try {
    return await interruptible(bringUp(name, dir, root, cache, opts, log, since));
  } finally {
    forget();
  }
}

async function bringUp(
  name: string,
  dir: string,
  root: string,
  cache: FleetCache,
  opts: UpOptions,
  log: (line: string) => void,
  since: () => string,
): Promise<Fleet> {
  const slot = claimSlot(root, name);
  const plan = planFleet(name, slot, opts.hosts, opts.jumpId);
  const paths = statePaths(dir);
  const state: FleetState = {
    format: 1,
    plan,
    createdAt: new Date().toISOString(),
    stateDir: dir,
    overlayDir: cache.layout.overlays(name),
    baseRootfs: cache.baseRootfs,
    repo: cache.repo,
    sshKey: paths.sshKey,
    knownHosts: paths.knownHosts,
    sshConfig: paths.sshConfig,
    processes: {},
  };
  writeState(state);

  try {
    await checkNetworkFree(plan);
    await createNetwork(plan);
    log(`network ready (${plan.external.subnet} to the jump host, ${plan.internal.subnet} inside) at ${since()}`);

    await removeTree(state.overlayDir, 'up');
    await mountHostDisk(state.overlayDir);
    const clientKey = await generateKey(paths.sshKey, `master@halite-fleet-${name}`);
    const targets = await Promise.all(allHosts(plan).map((h) => prepareHost(state, h, clientKey)));
    writeFileSync(paths.knownHosts, renderKnownHosts(targets));
    writeFileSync(paths.sshConfig, renderSshConfig(name, targets, paths.sshKey, paths.knownHosts));

    await settleAll(
      allHosts(plan).map(async (h) => {
        state.processes[h.id] = await bootHost({
          host: h,
          dirs: overlayDirs(join(state.overlayDir, h.id), state.baseRootfs),
          repo: state.repo,
          consoleLog: paths.console(h.id),
        });
        writeState(state);
      }),
    );
    log(`${allHosts(plan).length} hosts booted at ${since()}`);

    // Every sshd listens by now, so logins (role hosts through the jump) can all go at once; the
    // package lists are read from the repository meanwhile, as a freshly installed machine has them.
    const fleet = new Fleet(state);
    const all = [fleet.jump, ...fleet.hosts];
    await settleAll([
      ...all.map((h) => checkLogin(fleet, h.id)),
      ...all.map((h) => fleet.exec(h, ['apt-get', 'update', '-qq'])),
    ]);
    log(`fleet "${name}" is up at ${since()}: ssh -F ${paths.sshConfig} <host>`);
    return fleet;
  } catch (e) {
    if (!opts.keepOnFailure)
      await down(name, { stateRoot: root, cacheDir: opts.cacheDir }).catch((d) =>
        log(`cleanup after the failure also failed: ${(d as Error).message}`),
      );
    throw e;
  }
}

/** A fleet of the same name: replaced when asked, cleaned up when it is only leftovers, else an error. */
async function clearPrevious(name: string, dir: string, root: string, opts: UpOptions): Promise<void> {
  if (!existsSync(dir)) return;
  const previous = readState(dir);
  const alive = previous && Object.values(previous.processes).some((p) => isRunning(p.initPid, p.initStartTime));
  if (alive && !opts.replace)
    throw new FleetError(`fleet "${name}" is already up (take it down first, or pass replace)`, { step: 'up' });
  opts.log?.(alive ? `taking down the running fleet "${name}"` : `removing what is left of an earlier fleet "${name}"`);
  await down(name, { stateRoot: root, cacheDir: opts.cacheDir });
}

/** Overlay directories, a fresh host key and the fleet's files; returns the host's ssh target. */
async function prepareHost(state: FleetState, h: HostPlan, clientKey: string): Promise<SshTarget> {
  const dirs = overlayDirs(join(state.overlayDir, h.id), state.baseRootfs);
  createOverlayDirs(dirs);
  const sshDir = ensureUpperDir(dirs, '/etc/ssh');
  const hostKey = await generateKey(join(sshDir, 'ssh_host_ed25519_key'), `root@${h.id}`, h.id);
  for (const f of guestFiles(state.plan, h, clientKey)) writeGuestFile(dirs, f);
  return {
    alias: h.id,
    address: h.address,
    port: h.port,
    proxyJump: h.kind === 'role' ? state.plan.jump.id : undefined,
    hostKey,
  };
}

/** A real login through the fleet's ssh_config, which must land on the right host. */
async function checkLogin(fleet: Fleet, id: string): Promise<void> {
  const res = await fleet.ssh(id, ['cat', '/proc/sys/kernel/hostname'], { timeoutMs: 20_000 });
  const got = res.stdout.trim();
  if (got !== id)
    throw new FleetError(`ssh reached "${got}" instead`, { step: 'ssh check', host: id, command: res.command });
}

/** Waits for every task; if any failed, throws the first failure, naming the others. */
async function settleAll(tasks: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (failed.length === 0) return;
  const [first, ...rest] = failed;
  if (rest.length === 0) throw first;
  const others = rest.map((e) =>
    e instanceof FleetError && e.host ? e.host : e instanceof Error ? e.message.split('\n')[0] : String(e),
  );
  const message = first instanceof Error ? first.message : String(first);
  throw new FleetError(
    `${message.split('\n')[0].replace(/^fleet [^:]*: /, '')} (and ${rest.length} more failures: ${others.join(', ')})`,
    {
      ...(first instanceof FleetError ? first : { step: 'up' }),
      detail: first instanceof FleetError ? first.detail : undefined,
    },
  );
}
