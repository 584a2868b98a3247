// A fleet's state directory (default /run/halite-fleet/<name>, the root overridable with
// HALITE_FLEET_STATE): fleet.json (what was made, so any process can attach to or take down the
// fleet), the master's client key, known_hosts, ssh_config and each host's console log.
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostProcess } from './boot.ts';
import type { FleetPlan } from './plan.ts';

export const DEFAULT_STATE_ROOT = '/run/halite-fleet';

export function stateRoot(explicit?: string): string {
  return explicit ?? process.env.HALITE_FLEET_STATE ?? DEFAULT_STATE_ROOT;
}

export interface FleetState {
  format: 1;
  plan: FleetPlan;
  createdAt: string;
  stateDir: string;
  /** Holds each host's overlay directories (on the cache's filesystem, not in /run). */
  overlayDir: string;
  baseRootfs: string;
  repo: string;
  sshKey: string;
  knownHosts: string;
  sshConfig: string;
  /** By host id, once the host has booted. */
  processes: Record<string, HostProcess>;
}

export interface StatePaths {
  dir: string;
  file: string;
  sshKey: string;
  knownHosts: string;
  sshConfig: string;
  console(host: string): string;
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    file: join(dir, 'fleet.json'),
    sshKey: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    sshConfig: join(dir, 'ssh_config'),
    console: (host) => join(dir, `${host}.console.log`),
  };
}

export function readState(dir: string): FleetState | undefined {
  const file = statePaths(dir).file;
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as FleetState;
}

export function writeState(state: FleetState): void {
  const file = statePaths(state.stateDir).file;
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Names of the fleets that have a state directory under `root`. */
export function listFleets(root: string): string[] {
  try {
    return readdirSync(root)
      .filter((n) => existsSync(join(root, n, 'fleet.json')))
      .sort();
  } catch {
    return [];
  }
}
