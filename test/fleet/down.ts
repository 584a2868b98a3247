// Takes a fleet down and removes everything it made: kills its processes (only the fleet's own:
// recorded pids checked against their start times, and whatever runs in its network namespaces),
// removes namespaces, links and the guard route, its overlays, slot and state directory.
// Idempotent, and works on a half-made fleet.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheLayout, cacheRoot } from './cache-layout.ts';
import { unmountHostDisk } from './disk.ts';
import { FleetError } from './errors.ts';
import { destroyNetwork, fleetNetns, netnsPath } from './network.ts';
import { checkFleetName, planFleet } from './plan.ts';
import { killIfRunning, pidsInNetns, readProcStat, waitGone } from './proc.ts';
import { findSlot, releaseSlot } from './slots.ts';
import { readState, stateRoot } from './state.ts';

export interface DownOptions {
  stateRoot?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}

export async function down(name: string, opts: DownOptions = {}): Promise<void> {
  checkFleetName(name);
  const root = stateRoot(opts.stateRoot);
  const dir = join(root, name);
  const state = readState(dir);
  const slot = state?.plan.slot ?? findSlot(root, name);
  const log = opts.log ?? (() => {});

  await killFleetProcesses(name, state?.processes ?? {});
  const plan = state?.plan ?? (slot !== undefined ? planFleet(name, slot, []) : undefined);
  await destroyNetwork(name, plan);
  const overlays = state?.overlayDir ?? cacheLayout(cacheRoot(opts.cacheDir)).overlays(name);
  await unmountHostDisk(overlays);
  const stuck = mountsUnder([dir, overlays]);
  if (stuck.length)
    throw new FleetError(`still mounted after the hosts stopped:\n  ${stuck.join('\n  ')}`, { step: 'down' });
  rmSync(overlays, { recursive: true, force: true });
  releaseSlot(root, name);
  rmSync(dir, { recursive: true, force: true });
  if (state) log(`fleet "${name}" is down`);
}

async function killFleetProcesses(
  name: string,
  recorded: Record<string, { pid: number; startTime: number; initPid: number; initStartTime: number }>,
) {
  const hosts = Object.values(recorded);
  // Killing a host's init ends its whole pid namespace; its `unshare` then reaps it and exits by
  // itself (killing both at once would leave the init a zombie).
  const inits = hosts
    .filter((p) => killIfRunning(p.initPid, p.initStartTime))
    .map((p) => ({ pid: p.initPid, startTime: p.initStartTime }));
  await waitGone(inits, 10_000);
  const launchers = hosts.map((p) => ({ pid: p.pid, startTime: p.startTime }));
  for (const p of await waitGone(launchers, 2_000)) killIfRunning(p, launchers.find((l) => l.pid === p)?.startTime);
  // Anything else still inside the fleet's network namespaces (e.g. started with `ip netns exec`).
  const strays: Array<{ pid: number; startTime: number }> = [];
  for (const ns of fleetNetns(name)) {
    for (const pid of pidsInNetns(netnsPath(ns))) {
      const st = readProcStat(pid);
      if (st && killIfRunning(pid, st.startTime)) strays.push({ pid, startTime: st.startTime });
    }
  }
  const alive = await waitGone([...inits, ...launchers, ...strays], 10_000);
  if (alive.length) {
    const desc = alive.map(
      (pid) => `${pid} (${readProcStat(pid)?.comm ?? '?'}, state ${readProcStat(pid)?.state ?? '?'})`,
    );
    throw new FleetError(`processes survived SIGKILL: ${desc.join(', ')}`, { step: 'down' });
  }
}

/**
 * Mounts anywhere on the machine that belong to the given directories: mount points under them
 * (as the root namespace sees them) or overlays whose layers live there (a host's root, which
 * inside the host's own mount namespace is mounted on "/").
 */
export function mountsUnder(dirs: readonly string[]): string[] {
  const found = new Set<string>();
  const inside = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
  const pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  for (const pid of pids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [before, after = ''] = line.split(' - ');
      const mountPoint = before.split(' ')[4];
      const layers = [...after.matchAll(/(?:lowerdir|upperdir|workdir)=([^,\s]+)/g)].flatMap((m) => m[1].split(':'));
      if ((mountPoint && inside(mountPoint)) || layers.some(inside))
        found.add(`${mountPoint} (${after.split(' ')[0]}, in the mount namespace of pid ${pid})`);
    }
  }
  return [...found];
}
